"""The 4-D volume's operations: max projection, z-stack crop, selection through a threshold mask."""

from .filled import operation_classes

globals().update(operation_classes(__name__, ("max_projection", "zstack_crop", "threshold_mask")))

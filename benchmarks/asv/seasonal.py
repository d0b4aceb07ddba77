"""Per-pixel statistics along time: the mean and standard deviation of every pixel's series."""

from .filled import operation_classes

globals().update(operation_classes(__name__, ("seasonal_stats",)))

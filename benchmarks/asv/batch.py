"""Chunk-aware processing: a moving average over chunk-aligned batches against one whole-array pass."""

from .filled import operation_classes

globals().update(operation_classes(__name__, ("batch_moving_average", "whole_moving_average")))

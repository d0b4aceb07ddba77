"""Reads: the whole array, one pixel along time, one step's window in space, whole chunks at random."""

from .filled import operation_classes

globals().update(operation_classes(__name__, ("read_full", "read_time", "read_space", "read_chunks")))

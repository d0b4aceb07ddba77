"""zarrgauge: benchmark and conformance suite for zarr-python 3 and numcodecs."""

__version__ = "0.1.0"

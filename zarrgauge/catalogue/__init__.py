"""Declarations: data families, chunk layouts, codecs, operations and the cases they make.

Nothing here imports pytest or touches a store; zarr and numcodecs load only when a codec is
built, so results tooling can read the catalogue without them.
"""

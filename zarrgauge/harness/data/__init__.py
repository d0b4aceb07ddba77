"""The data a case runs on: stores and scratch space, arrays filled from the catalogue's seeded
generators, and the caches that fill each one once per run (arrays, and the xarray datasets)."""

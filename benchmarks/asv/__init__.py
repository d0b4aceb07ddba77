"""asv benchmarks of zarrgauge, generated from the catalogue (see common.py); asv.conf.json at the root."""

"""asv results as the gate reads them, and the `asv-compare` subcommand (the suite is benchmarks/asv)."""

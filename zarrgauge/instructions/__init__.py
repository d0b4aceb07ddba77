"""`zarrgauge instructions`: instruction counts of the benchmarks under valgrind (run), and the subcommand (command)."""

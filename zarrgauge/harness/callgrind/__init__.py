"""Instruction counts under valgrind's callgrind: the client-request hooks, the counter, and the
benchmark fixture that counts each benchmark's operation."""

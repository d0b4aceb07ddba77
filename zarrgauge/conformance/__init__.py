"""The conformance half: the grid every area shares, known upstream bugs, and the matrix report."""

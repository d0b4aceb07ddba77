"""`zarrgauge report`: markdown, self-contained HTML and PNG figures from pytest-benchmark results.

Figures are drawn on `matplotlib.figure.Figure` objects with the Agg canvas, never through
pyplot, so no display is needed and tests can inspect what each figure holds.
"""

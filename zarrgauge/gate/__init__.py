"""Comparing two benchmark runs and turning the comparison into a regression verdict."""

"""Test-only helpers: never imported by the suite itself."""

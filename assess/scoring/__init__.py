"""The clinical brain of assess: scales, muscles, scoring rules. Pure Python, no I/O."""

"""Quality benchmarks of the whole system (not timed tests)."""

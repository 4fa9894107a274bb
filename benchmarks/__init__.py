"""Benchmarks of newsflow against bare baselines; run each with ``python -m benchmarks.<name>``."""

"""Benchmarks of movemap: ``python -m bench.scale`` (see README)."""

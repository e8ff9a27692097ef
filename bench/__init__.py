"""Benchmarks behind `make bench` (numbers, not pass/fail tests)."""

"""Fault tests: hostile sites, garbage input, killed runs, unreachable databases."""

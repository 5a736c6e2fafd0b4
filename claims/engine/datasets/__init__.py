"""Readers and scorers for the public benchmark files (build and measurement time only)."""

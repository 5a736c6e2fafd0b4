"""Measuring the whole workbench end to end on public data (build and measurement time only; the product never imports this)."""

"""The desk's forms."""

"""Reads, one module per screen area; views and the API import from the submodules."""

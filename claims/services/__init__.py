"""Writes. Views, the API, tasks and the admin change rows only through these."""

"""The workbench's text analysis and verification logic: standard library and numpy only, no Django."""

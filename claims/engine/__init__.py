"""The workbench's text analysis and verification logic: standard library, numpy and the
Snowball stemmer (pure Python) only, no Django."""

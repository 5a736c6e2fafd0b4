"""Training code for the learned models (needs the optional training extra: scikit-learn,
lightgbm). Nothing here is imported at runtime."""

"""What the learned models need at run time: numpy tree evaluation and optional artifacts."""

"""The demo story (the Almaty unrest, January 2022) and its loader."""

"""Web views, one module per screen area; each stays thin (selectors read, services write)."""

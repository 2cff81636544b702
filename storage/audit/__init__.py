"""Who saw, exported or did what: the access log and its reading for the console."""

"""Personal data: residents' requests and what is held about them, erasure, retention."""

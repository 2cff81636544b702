"""Residents' own data: their requests, and what is held about them."""

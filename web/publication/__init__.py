"""The public pages of honoured exemplars (no sign-in) and their feed."""

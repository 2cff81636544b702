"""The ward's public stories of honoured exemplars: their rows and queries."""

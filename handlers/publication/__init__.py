"""Publication with consent: stories of honoured exemplars, the public page, the digest."""

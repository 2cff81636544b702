"""The staff console: sign-in, the queue, a nomination's page."""

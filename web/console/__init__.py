"""The staff console: sign-in, the queue, a nomination's page; units/ has the units' pages."""

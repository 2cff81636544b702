"""The writing contest's queries: contests and their quotas, entries and their checks."""

"""The database: here the tables (models.py) and their migrations (migrate.py, migrations/),
which every room uses; below, one room per capability, and shared/ plumbing."""

"""The plumbing every room uses: the engine and sessions, SQLite in the event loop, worker
threads, accent-insensitive keys. Uses no room."""

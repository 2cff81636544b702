"""Tables, the engine and session factory, small queries, and the media store."""

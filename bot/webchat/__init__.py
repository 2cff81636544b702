"""The web chat: the same conversation on a page the ward portal can link or embed."""

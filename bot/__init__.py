"""Channel adapters (Telegram, web chat) and the composition root, `python -m bot`."""

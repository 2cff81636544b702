"""The organisation: the unit tree, staff with their roles and console sign-in, the chats
linked to units (by the organisation file or a code), chats that moved. Uses shared."""

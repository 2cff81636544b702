"""The console's pages of units: their group chats and link codes, their deadlines,
the tally and each broadcast run. Uses handlers.units and storage."""

"""Intake's records: dialog state, nominations and their photos, status changes and the
audit trail, likely duplicates. Review reads and changes them too. Uses org, media, shared."""

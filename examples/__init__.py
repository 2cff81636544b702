"""The demo organisation and deadline calendar (Ba Đình's wards): the defaults of
ORG_FILE and CALENDAR_FILE, carried by the wheel so a fresh install comes up with them.
No code lives here."""

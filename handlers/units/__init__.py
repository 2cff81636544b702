"""Units: what unit groups hear and do. Group links, deadlines and their calendar, campaigns
and the monthly tally, the morning digest. Uses shared/ and storage; nothing of intake or
review (one exception, named in pyproject.toml)."""

"""Updates in: the inbox every update is committed to first, each chat's turns in order
across processes, the ledger of a turn's replies. Uses shared."""

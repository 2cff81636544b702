"""Review's queries: the console's queue, a nomination's case file (notes, verification
records, the assignee). Uses org and shared."""

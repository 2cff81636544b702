"""The evidence-photo store: photos decoded within budgets, their bytes in a folder or an
S3-compatible bucket. Uses shared."""

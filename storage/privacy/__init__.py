"""Personal data: what the law and our notice promise about keeping it."""

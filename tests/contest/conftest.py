from tests.support.console import console  # noqa: F401  (a fixture)

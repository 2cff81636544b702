from tests.support.console import console  # noqa: F401  (a fixture)
from tests.units.announce_helpers import fake_zalo  # noqa: F401  (a fixture)

from tests.support.console import console  # noqa: F401  (a fixture)
from tests.zalo.conftest import fake_zalo  # noqa: F401  (a fixture)

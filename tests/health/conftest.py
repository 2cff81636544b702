from collections.abc import AsyncIterator

import pytest

from tests.support.fake_zalo import FakeZalo


@pytest.fixture
async def fake_zalo() -> AsyncIterator[FakeZalo]:
    server = FakeZalo()
    await server.start()
    yield server
    await server.stop()

"""Two real processes on one PostgreSQL: a resident's nomination taken by the first
reaches, live, the queue a reviewer has open on the second; and stopping the second ends
her open event stream at once instead of holding the shutdown."""

import asyncio
import json
import time

import pytest

from tests.media.web_visitor import WebVisitor
from tests.review.test_live_queue import next_event
from tests.support.console import PASSWORD
from tests.support.images import jpeg
from tests.support.process import set_password, signed_in, start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres, pytest.mark.timeout(300)]


async def test_a_nomination_taken_by_one_process_reaches_a_queue_open_on_another(
        fresh_postgres, tmp_path):
    settings = {"DATABASE_URL": fresh_postgres}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await start_bot(tmp_path / "a", **settings)
    second = await start_bot(tmp_path / "b", **settings)
    resident = WebVisitor.at(first.base_url)
    mai = None
    try:
        await set_password(tmp_path, fresh_postgres, "doican.mai", PASSWORD)
        mai = await signed_in(second.base_url, "doican.mai", PASSWORD)
        async with mai.stream("GET", "/console/events") as feed:
            lines = feed.aiter_lines()
            assert await anext(lines) == "retry: 2000"  # connected, before anything arrives

            await resident.up_to_the_photos(nominee="Nguyễn Văn Tuấn")
            await resident.photo(jpeg(), "vi.jpg")
            reference = await resident.send_as_the_proposer()
            event = await next_event(lines, within=20)
            assert event["event"] == "nomination"
            data = json.loads(event["data"])
            assert (data["reference"], data["name"]) == (reference, "Nguyễn Văn Tuấn")

            began = time.monotonic()
            await second.stop()
            async with asyncio.timeout(10):  # the stream ends, it is not cut after a grace
                async for _ in lines:
                    pass
            assert time.monotonic() - began < 3.0
    finally:
        await resident.close()
        if mai is not None:
            await mai.aclose()
        await first.stop()
        await second.stop()

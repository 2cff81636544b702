"""The web chat behind a load balancer: a visitor's requests reach either of two real
processes on one PostgreSQL database, and a double tap sends the same message to both at
once. Each message is applied once, in order, and every visitor's nomination arrives
whole, once."""

import asyncio
import random
import uuid

import httpx
import pytest
from sqlalchemy import text

from storage.shared.db import make_engine
from tests.inbox.test_two_processes import deed_of
from tests.support.databases import drop_postgres, postgres_or_skip
from tests.support.images import jpeg
from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres]


class Visitor:
    """A resident in the web chat; each request goes to a random process."""

    def __init__(self, bases: list[str], rng: random.Random) -> None:
        self.bases, self.rng = bases, rng
        self.headers = {"X-NTVT-Chat": "1"}
        self.last: list[dict] = []

    async def _post(self, client: httpx.AsyncClient, base: str, path: str, **kwargs):
        if "Cookie" not in self.headers:  # the page first: one process issues the session
            page = await client.get(f"{self.rng.choice(self.bases)}/chat")
            self.headers["Cookie"] = f"ntvt_chat={page.cookies['ntvt_chat']}"
        answer = await client.post(f"{base}{path}", headers=self.headers, **kwargs)
        assert answer.status_code == 200, answer.text
        return answer.json()["replies"]

    async def send(self, client: httpx.AsyncClient, *, double_tap: bool = False,
                   **body: str) -> list[dict]:
        message = {"id": uuid.uuid4().hex[:16], **body}
        if double_tap:  # the same message to both processes at the same moment
            first, second = await asyncio.gather(
                *(self._post(client, base, "/chat/api/message", json=message)
                  for base in self.bases))
            assert first == second  # one turn; the other gets its stored answer
        else:
            first = await self._post(client, self.rng.choice(self.bases),
                                     "/chat/api/message", json=message)
        self.last = first
        return first

    async def say(self, client, text: str, **kwargs) -> list[dict]:
        return await self.send(client, text=text, **kwargs)

    async def press(self, client, label: str, **kwargs) -> list[dict]:
        for reply in reversed(self.last):
            for row in reply["buttons"]:
                for button in row:
                    if label in button["label"]:
                        return await self.send(client, payload=button["payload"], **kwargs)
        raise AssertionError(f"no button {label!r} in {self.last}")

    async def photo(self, client, data: bytes) -> None:
        self.last = await self._post(client, self.rng.choice(self.bases), "/chat/api/photo",
                                     data={"id": uuid.uuid4().hex[:16]},
                                     files={"photo": ("a.jpg", data, "image/jpeg")})

    def text(self) -> str:
        return "\n".join(reply["text"] for reply in self.last)


async def nominate(client: httpx.AsyncClient, visitor: Visitor, n: int) -> None:
    await visitor.say(client, "/start")
    await visitor.press(client, "Tôi đồng ý", double_tap=True)
    await visitor.press(client, "Cá nhân")
    await visitor.say(client, f"Người được đề xuất số {n}", double_tap=True)
    await visitor.say(client, f"Vai trò số {n}")
    await visitor.say(client, "ngoc ha")
    await visitor.press(client, "✅ Chọn: Phường Ngọc Hà")
    await visitor.say(client, f"Địa điểm số {n}", double_tap=True)
    await visitor.press(client, "An sinh xã hội")
    await visitor.say(client, deed_of(n))
    await visitor.press(client, "Hôm nay")
    await visitor.photo(client, jpeg(color=(n % 256, 77, 140)))
    await visitor.press(client, "Xong")
    await visitor.say(client, f"Người gửi số {n}")
    await visitor.say(client, "0912345678")
    await visitor.press(client, "Tôi tự đề xuất")
    await visitor.press(client, "Gửi đề xuất", double_tap=True)
    assert "NTVT-" in visitor.text(), visitor.text()


@pytest.mark.timeout(240)
async def test_visitors_through_two_processes_each_get_one_whole_nomination(tmp_path):
    database = postgres_or_skip()
    bots = []
    try:
        folders = [tmp_path / "a", tmp_path / "b"]
        for folder in folders:
            folder.mkdir()
        bots = list(await asyncio.gather(*(
            start_bot(folder, up_within=90, DATABASE_URL=database) for folder in folders)))
        bases = [bot.base_url for bot in bots]
        rng = random.Random(5)
        visitors = [Visitor(bases, rng) for _ in range(12)]
        async with httpx.AsyncClient(timeout=60) as client:
            await asyncio.gather(*(nominate(client, visitor, n + 1)
                                   for n, visitor in enumerate(visitors)))
    finally:
        for bot in bots:
            await bot.stop()
    rows = await fetch(database, "SELECT nominee_name, nominee_role, place, deed, "
                                 "submitter_name FROM nomination ORDER BY id")
    drop_postgres(database)
    assert len(rows) == 12  # each visitor's, once
    for name, role, place, deed, submitter in rows:
        n = int(name.removeprefix("Người được đề xuất số "))
        assert (role, place, deed, submitter) == (f"Vai trò số {n}", f"Địa điểm số {n}",
                                                  deed_of(n), f"Người gửi số {n}")


async def fetch(database: str, sql: str) -> list[tuple]:
    engine = make_engine(database)
    async with engine.connect() as connection:
        found = [tuple(row) for row in await connection.execute(text(sql))]
    await engine.dispose()
    return found

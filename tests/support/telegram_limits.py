"""A fake Bot API that enforces Telegram's sending limits, as the real one does.

Past 30 messages in any second per bot, 20 in any minute to one group, or 1 in any second
to one private chat, a send is refused with 429 and `retry_after` (whole seconds, as
Telegram gives it); refused sends do not count. Every kind of message counts (text,
photo, album…), whoever sends it: the outbox, a turn's replies, several processes.

    fake = RateLimitedTelegram(TOKEN)          # instead of FakeTelegram(TOKEN)
    ...
    assert fake.too_many == []                  # nothing was sent too fast
"""

import math
import time
from collections import deque
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tests.support.fake_telegram import Call, FakeTelegram

SENDS = frozenset({"sendMessage", "sendPhoto", "sendDocument", "sendMediaGroup",
                   "sendVideo", "sendAnimation", "sendAudio", "sendVoice", "sendSticker",
                   "sendLocation", "sendContact", "sendPoll", "copyMessage",
                   "forwardMessage"})


class Window:
    """At most `limit` events in any `period` seconds."""

    def __init__(self, limit: int, period: float) -> None:
        self.limit, self.period = limit, period
        self.times: deque[float] = deque()

    def wait(self, now: float) -> float:
        while self.times and self.times[0] <= now - self.period:
            self.times.popleft()
        return 0.0 if len(self.times) < self.limit else self.times[0] + self.period - now


class TelegramLimits:
    """Telegram's limits as sliding windows on arrival times; `check` answers how long a
    send must wait (None: it is accepted, and counted)."""

    def __init__(self, *, per_bot: tuple[int, float] = (30, 1.0),
                 per_group: tuple[int, float] = (20, 60.0),
                 per_private: tuple[int, float] = (1, 1.0),
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._per_group, self._per_private = per_group, per_private
        self._clock = clock
        self._bot = Window(*per_bot)
        self._chats: dict[str, Window] = {}
        self.accepted = 0

    def check(self, chat_id: str) -> float | None:
        now = self._clock()
        limit = self._per_group if chat_id.startswith("-") else self._per_private
        chat = self._chats.setdefault(chat_id, Window(*limit))
        wait = max(self._bot.wait(now), chat.wait(now))
        if wait > 0:
            return wait
        self._bot.times.append(now)
        chat.times.append(now)
        self.accepted += 1
        return None


async def _chat_of(request: web.Request) -> str:
    # Both are cached by aiohttp, so the fake's own parsing reads the same body again.
    if request.content_type == "application/json":
        return str((await request.json()).get("chat_id", ""))
    return str((await request.post()).get("chat_id", ""))


class RateLimitedTelegram(FakeTelegram):
    def __init__(self, token: str, limits: TelegramLimits | None = None) -> None:
        super().__init__(token)
        self.limits = limits or TelegramLimits()
        self.too_many: list[Call] = []  # the sends answered 429

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if method in SENDS and request.match_info["token"] == self.token:
            chat_id = await _chat_of(request)
            wait = self.limits.check(chat_id)
            if wait is not None:
                retry = max(1, math.ceil(wait))
                self.too_many.append(Call(method, {"chat_id": chat_id}))
                answer: dict[str, Any] = {
                    "ok": False, "error_code": 429,
                    "description": f"Too Many Requests: retry after {retry}",
                    "parameters": {"retry_after": retry}}
                return web.json_response(answer, status=429)
        return await super()._api(request)

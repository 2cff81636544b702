"""Keep aiogram's parsed response types alive between calls.

aiogram parses every Bot API answer with `Response[method.__returning__]`, and pydantic
caches such a parametrised model only while something references it. Nothing does, so
under load the garbage collector kept dropping `Response[Message]` and the next call
built it again: about 9 ms of CPU each time, 0.6 s in a 600-turn profile (see
docs/benchmarks.md). This request middleware holds one reference per method.
"""

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType


class KeepResponseTypes(BaseRequestMiddleware):
    def __init__(self) -> None:
        self._kept: dict[type[Any], Any] = {}

    async def __call__(self, make_request: NextRequestMiddlewareType[TelegramType], bot: Bot,
                       method: TelegramMethod[TelegramType]) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self._kept:
            self._kept[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)

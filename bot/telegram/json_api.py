"""The Bot API calls every update makes, as plain JSON requests on aiogram's own session.

Each aiogram call builds a pydantic model of the method, serialises it as a form, and
parses the answer into further models. For the three calls every update pays for
(getUpdates, the turn's replies, stopping a button's spinner) that was a quarter of the
bot's CPU under load (profiled: docs/benchmarks.md). Here they are one JSON body out and
`json.loads` back. An error answer is handed to aiogram's own check, so callers see
aiogram's exceptions (TelegramRetryAfter, TelegramForbiddenError, …) as before; every
other call still goes through `Bot`.
"""

import json
from collections.abc import Callable
from typing import Any

from aiogram import Bot
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import AnswerCallbackQuery, GetUpdates, SendMessage, TelegramMethod
from aiohttp import ClientError

from bot.telegram.render import reply_params
from handlers.shared.messages import Reply

_HEADERS = {"Content-Type": "application/json"}


class JsonBotApi:
    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def _call(self, name: str, params: dict[str, Any],
                    method: Callable[[], TelegramMethod[Any]], *,
                    wait_seconds: float | None = None) -> Any:
        session = self._bot.session
        client = await session.create_session()  # type: ignore[attr-defined]
        url = session.api.api_url(token=self._bot.token, method=name)
        body = json.dumps(params, ensure_ascii=False, separators=(",", ":"))
        try:
            async with client.post(url, data=body.encode(), headers=_HEADERS,
                                   timeout=wait_seconds or session.timeout) as response:
                status, content = response.status, await response.text()
        except TimeoutError as exc:
            raise TelegramNetworkError(method=method(), message="Request timeout error") \
                from exc
        except ClientError as exc:
            raise TelegramNetworkError(method=method(),
                                       message=f"{type(exc).__name__}: {exc}") from exc
        try:
            answer = json.loads(content)
        except ValueError:
            answer = None
        if status == 200 and isinstance(answer, dict) and answer.get("ok") is True:
            return answer.get("result")
        # Not an answer we can use: aiogram's check raises the exception it would have.
        session.check_response(self._bot, method(), status, content)
        raise TelegramNetworkError(method=method(), message=f"unexpected answer {status}")

    async def send_reply(self, chat_id: int, reply: Reply) -> int:
        """Send one reply; the new message's id."""
        params = reply_params(chat_id, reply)
        result = await self._call("sendMessage", params, lambda: SendMessage(**params))
        return int(result["message_id"])

    async def answer_callback(self, query_id: str) -> None:
        await self._call("answerCallbackQuery", {"callback_query_id": query_id},
                         lambda: AnswerCallbackQuery(callback_query_id=query_id))

    async def get_updates(self, *, offset: int | None, long_poll_seconds: int,
                          allowed_updates: list[str]) -> list[dict[str, Any]]:
        """Updates as Telegram sent them: the inbox keeps exactly these."""
        params: dict[str, Any] = {"timeout": long_poll_seconds,
                                  "allowed_updates": allowed_updates}
        if offset is not None:
            params["offset"] = offset
        result = await self._call(
            "getUpdates", params, lambda: GetUpdates(**params),
            wait_seconds=long_poll_seconds + (self._bot.session.timeout or 60))
        return [update for update in result or [] if isinstance(update, dict)]

"""A fake Telegram Bot API server on loopback: records calls, serves updates and files.

It speaks the subset the bot uses, and refuses what the real one refuses
(callback_data over 64 bytes, text over 4,096 characters).
"""

import asyncio
import contextlib
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 7000000001
TOKEN = "123456:TEST-token_for-fake-server"  # what tests give the bot and the fake


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)
    via: str = ""  # the path prefix the caller's API base had, if any


class FakeTelegram:
    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self._arrived = asyncio.Condition()
        self._sent = asyncio.Condition()
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # (method, chat id) -> error answers to give before answering normally again
        self.failures: dict[tuple[str, str], list[dict[str, Any]]] = {}
        # (method, chat id) -> an event the call waits for: a request left in flight
        self.holds: dict[tuple[str, str], asyncio.Event] = {}
        self.refused: list[Call] = []
        # getUpdates calls (kept apart from `calls`): who polled, and when
        self.polls: list[Call] = []
        # method -> how many of its next requests get the connection dropped unanswered
        self.drops: dict[str, int] = {}
        self.webhook_url = ""

    # -- server ------------------------------------------------------------------------
    async def start(self) -> str:
        app = web.Application(client_max_size=50 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        # A base URL with a prefix ("http://…/a") tells one process's calls from another's.
        app.router.add_get("/{via}/file/bot{token}/{path:.*}", self._file)
        app.router.add_route("*", "/{via}/bot{token}/{method}", self._api)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return f"http://127.0.0.1:{self.port}"

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    async def _params(self, request: web.Request) -> dict[str, Any]:
        if request.content_type == "application/json":
            return dict(await request.json())
        form = await request.post()
        params: dict[str, Any] = {}
        for key, value in form.items():
            if not isinstance(value, str) and value.filename:
                params[key] = value.file.read()  # an uploaded picture, kept as bytes
                continue
            text = value if isinstance(value, str) else value.file.read().decode()
            try:
                params[key] = json.loads(text) if key in {"reply_markup", "allowed_updates",
                                                          "commands", "scope"} else text
            except json.JSONDecodeError:
                params[key] = text
        for key, value in list(params.items()):  # aiogram names an upload "attach://<field>"
            if isinstance(value, str) and value.startswith("attach://"):
                params[key] = params.pop(value.removeprefix("attach://"), value)
        return params

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await self._params(request)
        if method == "getUpdates":
            self.polls.append(Call(method, params, via=request.match_info.get("via", "")))
        if self.drops.get(method):  # the connection drops before any answer
            self.drops[method] -= 1
            assert request.transport is not None
            request.transport.abort()
            return web.Response(status=500)
        target = (method, str(params.get("chat_id", "")))
        if self.failures.get(target):  # refused: recorded apart from what was accepted
            error = self.failures[target].pop(0)
            self.refused.append(Call(method, params))
            return web.json_response({"ok": False, **error}, status=error["error_code"])
        if method != "getUpdates":
            self.calls.append(Call(method, params, via=request.match_info.get("via", "")))
        if target in self.holds:
            await self.holds[target].wait()
        handler = getattr(self, f"_m_{method}", None)
        if handler is None:
            return web.json_response({"ok": True, "result": True})
        try:
            result = await handler(params)
        except ValueError as exc:
            return web.json_response({"ok": False, "error_code": 400,
                                      "description": f"Bad Request: {exc}"}, status=400)
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["path"])
        return web.Response(body=data) if data is not None else web.Response(status=404)

    # -- methods -----------------------------------------------------------------------
    async def _m_getMe(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"id": BOT_ID, "is_bot": True, "first_name": "NTVT", "username": "ntvt_test_bot"}

    async def _m_getUpdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset") or 0)
        timeout = min(float(params.get("timeout") or 0), 2.0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates and timeout:
            async with self._arrived:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._arrived.wait(), timeout)
        return [u for u in self.updates if u["update_id"] >= offset][:100]

    async def _m_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:
        text = str(params["text"])
        if len(text) > 4096:
            raise ValueError("message is too long")
        markup = params.get("reply_markup") or {}
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if len(button["callback_data"].encode()) > 64:
                    raise ValueError("BUTTON_DATA_INVALID")
        async with self._sent:
            self._sent.notify_all()
        return {"message_id": next(self._message_ids), "date": int(time.time()), "text": text,
                "chat": {"id": int(params["chat_id"]), "type": "private"}}

    async def _m_sendPhoto(self, params: dict[str, Any]) -> dict[str, Any]:
        if len(str(params.get("caption", ""))) > 1024:
            raise ValueError("message caption is too long")
        async with self._sent:
            self._sent.notify_all()
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "supergroup"},
                "photo": [{"file_id": "p", "file_unique_id": "p", "width": 1, "height": 1}]}

    async def _m_sendDocument(self, params: dict[str, Any]) -> dict[str, Any]:
        async with self._sent:
            self._sent.notify_all()
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": int(params["chat_id"]), "type": "private"},
                "document": {"file_id": "d", "file_unique_id": "d"}}

    async def _m_setWebhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = str(params.get("url", ""))
        return True

    async def _m_deleteWebhook(self, _: dict[str, Any]) -> bool:
        self.webhook_url = ""
        return True

    async def _m_getWebhookInfo(self, _: dict[str, Any]) -> dict[str, Any]:
        return {"url": self.webhook_url, "has_custom_certificate": False,
                "pending_update_count": 0}

    async def _m_getFile(self, params: dict[str, Any]) -> dict[str, Any]:
        file_id = params["file_id"]
        return {"file_id": file_id, "file_unique_id": f"u{file_id}",
                "file_size": len(self.files[file_id]), "file_path": file_id}

    # -- what the platform may answer instead --------------------------------------------
    def fail(self, method: str, chat_id: int | str, error_code: int, description: str,
             **parameters: Any) -> None:
        answer: dict[str, Any] = {"error_code": error_code, "description": description}
        if parameters:
            answer["parameters"] = parameters
        self.failures.setdefault((method, str(chat_id)), []).append(answer)

    # -- what a person does --------------------------------------------------------------
    async def push(self, update: dict[str, Any]) -> dict[str, Any]:
        update.setdefault("update_id", next(self._update_ids))
        self.updates.append(update)
        async with self._arrived:
            self._arrived.notify_all()
        return update

    def sent_to(self, chat_id: int) -> list[Call]:
        return [c for c in self.calls if c.method == "sendMessage"
                and int(c.params["chat_id"]) == chat_id]

    async def wait_for(self, condition: Callable[[list[Call]], bool],
                       timeout: float = 20.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition(self.calls):
            if time.monotonic() > deadline:
                raise TimeoutError("the fake server never saw the expected calls")
            await asyncio.sleep(0.02)

    async def wait_for_replies(self, chat_id: int, before: int, *, quiet: float = 0.6,
                               timeout: float = 20.0) -> list[Call]:
        """Wait for at least one new message to the chat, then until it goes quiet."""
        deadline = time.monotonic() + timeout
        while len(self.sent_to(chat_id)) <= before:
            if time.monotonic() > deadline:
                raise TimeoutError(f"no reply to chat {chat_id}")
            await asyncio.sleep(0.02)
        while True:
            count = len(self.sent_to(chat_id))
            await asyncio.sleep(quiet)
            if len(self.sent_to(chat_id)) == count:
                return self.sent_to(chat_id)[before:]


class TelegramUser:
    """A resident in a private chat with the bot."""

    def __init__(self, fake: FakeTelegram, user_id: int, first_name: str = "Hoa",
                 last_name: str = "Trần Thị") -> None:
        self.fake = fake
        self.user = {"id": user_id, "is_bot": False, "first_name": first_name,
                     "last_name": last_name, "language_code": "vi"}
        self.chat = {"id": user_id, "type": "private", "first_name": first_name}
        self.last: list[Call] = []
        self._before = 0
        self._ids = itertools.count(1)

    def _message(self, **content: Any) -> dict[str, Any]:
        return {"message": {"message_id": next(self._ids), "date": int(time.time()),
                            "chat": self.chat, "from": self.user, **content}}

    async def _exchange(self, *updates: dict[str, Any]) -> list[Call]:
        self._before = len(self.fake.sent_to(self.user["id"]))
        for update in updates:
            await self.fake.push(update)
        self.last = await self.fake.wait_for_replies(self.user["id"], self._before)
        return self.last

    def _since_last_turn(self) -> list[Call]:
        return self.fake.sent_to(self.user["id"])[self._before:]

    async def say(self, text: str) -> list[Call]:
        return await self._exchange(self._message(text=text))

    async def press(self, label: str, *, patience: float = 5.0) -> list[Call]:
        # As a person does: a turn's next message may still be on its way when the first
        # arrived (a loaded machine spaces them past `wait_for_replies`'s quiet), so look
        # for the button in what keeps arriving for a while before calling it missing.
        deadline = time.monotonic() + patience
        while True:
            for call in reversed(self.last):
                for row in (call.params.get("reply_markup") or {}).get("inline_keyboard", []):
                    for button in row:
                        if label in button["text"]:
                            query = {"callback_query": {
                                "id": str(next(self._ids)), "from": self.user,
                                "chat_instance": "1", "data": button["callback_data"],
                                "message": {"message_id": 1, "date": int(time.time()),
                                            "chat": self.chat, "text": call.params["text"]}}}
                            return await self._exchange(query)
            if time.monotonic() > deadline:
                raise AssertionError(f"no button {label!r} in {self.texts()}")
            await asyncio.sleep(0.05)
            self.last = self._since_last_turn()

    def photo_update(self, data: bytes, media_group_id: str | None = None) -> dict[str, Any]:
        file_id = f"photo-{self.user['id']}-{next(self._ids)}"
        self.fake.files[file_id] = data
        sizes = [{"file_id": f"{file_id}-thumb", "file_unique_id": "t", "width": 90,
                  "height": 90}, {"file_id": file_id, "file_unique_id": file_id, "width": 800,
                                  "height": 600, "file_size": len(data)}]
        extra = {"media_group_id": media_group_id} if media_group_id else {}
        return self._message(photo=sizes, **extra)

    async def album(self, photos: list[bytes]) -> list[Call]:
        group = f"album-{next(self._ids)}"
        return await self._exchange(*[self.photo_update(p, group) for p in photos])

    async def share_contact(self, phone: str) -> list[Call]:
        return await self._exchange(self._message(contact={
            "phone_number": phone, "first_name": self.user["first_name"],
            "user_id": self.user["id"]}))

    def texts(self) -> str:
        return "\n".join(str(c.params["text"]) for c in self.last)

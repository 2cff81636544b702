"""A fake Zalo Bot Platform API on loopback: records calls, serves queued updates and the
files residents "sent" (Zalo hands photos over as URLs), refuses what Zalo refuses (text
over 2,000 characters as JavaScript counts them, in UTF-16 units; a photo link it cannot
fetch) and answers 429 when told to."""

import asyncio
import contextlib
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
from aiohttp import web

TOKEN = "2000000001:zalo-TEST-token"
SECRET = "zalo-webhook-secret-2026"
MAX_TEXT = 2000


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeZalo:
    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.updates: list[dict[str, Any]] = []
        self.files: dict[str, bytes] = {}
        self.failures: dict[str, list[tuple[int, str]]] = {}  # method -> (code, text)
        self._sent = asyncio.Condition()
        self._message_ids = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0
        # Public addresses Zalo can fetch, and where each really is in a test:
        # {"https://phuong.example": "http://127.0.0.1:8123"}; any other link fails.
        self.reachable: dict[str, str | httpx.AsyncBaseTransport] = {}
        self.fetched: list[str] = []
        self.webhook_url = ""  # what setWebhook registered, as getWebhookInfo tells it
        self.oddities: dict[str, list[str | tuple[int, str]]] = {}  # see answer_oddly

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def start(self, port: int = 0) -> str:
        """On `port` if given: a bot started while Zalo was down finds it there later."""
        app = web.Application()
        app.router.add_post("/bot{token}/{method}", self._api)
        app.router.add_get("/files/{name}", self._file)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", port)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self.base_url

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def fail(self, method: str, code: int, description: str, times: int = 1) -> None:
        self.failures.setdefault(method, []).extend([(code, description)] * times)

    def answer_oddly(self, method: str, *answers: str | tuple[int, str]) -> None:
        """The next calls of `method` get these, one each: "drop" (the connection drops
        before any answer) or (status, body) as is, e.g. a proxy's HTML error page."""
        self.oddities.setdefault(method, []).extend(answers)

    def photo_url(self, name: str, data: bytes) -> str:
        self.files[name] = data
        return f"{self.base_url}/files/{name}"

    async def _file(self, request: web.Request) -> web.Response:
        data = self.files.get(request.match_info["name"])
        if data is None:
            return web.Response(status=404)
        return web.Response(body=data, content_type="image/jpeg")

    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401,
                                      "description": "Unauthorized"}, status=401)
        method = request.match_info["method"]
        params = await request.json() if request.can_read_body else {}
        if self.oddities.get(method):
            odd = self.oddities[method].pop(0)
            self.calls.append(Call(f"{method}!odd", params))
            if odd == "drop":
                assert request.transport is not None
                request.transport.abort()
                return web.Response(status=500)
            status, text = odd
            return web.Response(status=status, text=text, content_type="application/json"
                                if text.startswith("{") else "text/html")
        waiting = self.failures.get(method)
        if waiting:
            code, description = waiting.pop(0)
            self.calls.append(Call(f"{method}!{code}", params))
            return web.json_response({"ok": False, "error_code": code,
                                      "description": description}, status=code)
        if method == "getUpdates":
            return await self._get_updates(params)
        if method in ("sendMessage", "sendPhoto"):
            text = params.get("text") or params.get("caption") or ""
            refusal = "text too long" if len(text.encode("utf-16-le")) // 2 > MAX_TEXT else ""
            if method == "sendPhoto" and not refusal and \
                    not await self._fetch(str(params.get("photo", ""))):
                refusal = "photo url not reachable"
            if refusal:  # recorded as refused, like a failure asked for
                self.calls.append(Call(f"{method}!400", params))
                return web.json_response({"ok": False, "error_code": 400,
                                          "description": refusal}, status=400)
        self.calls.append(Call(method, params))
        if method in ("sendMessage", "sendPhoto"):
            async with self._sent:
                self._sent.notify_all()
            return web.json_response({"ok": True, "result": {
                "message_id": f"m{next(self._message_ids)}", "date": int(time.time() * 1000)}})
        if method == "getMe":
            return web.json_response({"ok": True, "result": {
                "id": "2000000001", "account_name": "bot.ntvt", "can_join_groups": False}})
        if method in ("setWebhook", "deleteWebhook"):
            self.webhook_url = params.get("url", "") if method == "setWebhook" else ""
        if method in ("setWebhook", "deleteWebhook", "getWebhookInfo"):
            return web.json_response({"ok": True, "result": {
                "url": self.webhook_url, "updated_at": int(time.time() * 1000)}})
        return web.json_response({"ok": True, "result": {"url": params.get("url", "")}})

    async def _fetch(self, url: str) -> bool:
        """Zalo fetches a photo from its link before it sends it: only an image at an
        address it can reach goes out."""
        for public, local in self.reachable.items():
            if url.startswith(public):
                # Where the public address really is: a base URL, or an app in the test.
                base, transport = (local, None) if isinstance(local, str) else (public, local)
                try:
                    async with httpx.AsyncClient(timeout=5, transport=transport) as client:
                        answer = await client.get(base + url.removeprefix(public))
                except httpx.HTTPError:
                    return False
                self.fetched.append(url)
                return answer.status_code == 200 and \
                    answer.headers.get("content-type", "").startswith("image/")
        return False

    async def _get_updates(self, params: dict[str, Any]) -> web.Response:
        deadline = time.monotonic() + min(float(params.get("timeout", 1)), 1.0)
        while not self.updates and time.monotonic() < deadline:
            await asyncio.sleep(0.02)
        if not self.updates:
            return web.json_response({"ok": False, "error_code": 408,
                                      "description": "Request timeout"}, status=408)
        return web.json_response({"ok": True, "result": self.updates.pop(0)})

    def sent_to(self, chat_id: str) -> list[Call]:
        return [c for c in self.calls if c.method in ("sendMessage", "sendPhoto")
                and c.params.get("chat_id") == chat_id]

    async def wait_for(self, condition: Callable[[list[Call]], bool],
                       seconds: float = 15) -> None:
        async def check() -> None:
            async with self._sent:
                await self._sent.wait_for(lambda: condition(self.calls))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(check(), seconds)
        assert condition(self.calls), "timed out waiting for the fake Zalo server"


class ZaloUser:
    """A resident in a private Zalo chat with the bot, whose messages reach the bot's
    webhook as Zalo would deliver them: wrapped as `{"ok": true, "result": ...}` (the
    documented example) unless `flat` (the update itself, as the live service posts it)."""

    _ids = itertools.count(1)

    def __init__(self, fake: FakeZalo, user_id: str, name: str, *, webhook: str,
                 secret: str = SECRET, flat: bool = False) -> None:
        self.fake, self.user_id, self.name = fake, user_id, name
        self.webhook, self.secret = webhook, secret
        self.flat = flat
        self.last: list[Call] = []

    def update(self, event: str, **fields: Any) -> dict[str, Any]:
        update = {"event_name": event, "message": {
            "from": {"id": self.user_id, "display_name": self.name, "is_bot": False},
            "chat": {"id": self.user_id, "chat_type": "PRIVATE"},
            "message_id": f"e{self.user_id}-{next(self._ids)}",
            "date": int(time.time() * 1000), **fields}}
        return update if self.flat else {"ok": True, "result": update}

    async def post(self, body: dict[str, Any], *, secret: str | None = None) -> httpx.Response:
        async with httpx.AsyncClient() as client:
            return await client.post(self.webhook, json=body, headers={
                "X-Bot-Api-Secret-Token": self.secret if secret is None else secret})

    async def deliver(self, body: dict[str, Any]) -> list[Call]:
        """Post one event and wait until the bot has answered it."""
        before = len(self.fake.sent_to(self.user_id))
        answer = await self.post(body)
        assert answer.status_code == 200, answer.text
        await self.fake.wait_for(lambda _: len(self.fake.sent_to(self.user_id)) > before)
        await asyncio.sleep(0.15)  # a turn may answer with two messages
        self.last = self.fake.sent_to(self.user_id)[before:]
        return self.last

    async def say(self, text: str) -> list[Call]:
        return await self.deliver(self.update("message.text.received", text=text))

    async def photo(self, url: Any, *, field: str = "photo") -> list[Call]:
        """`field`: "photo" or "photo_url"; `url` a string or a `{"url": ...}` object."""
        return await self.deliver(self.update("message.image.received", **{field: url}))

    def texts(self) -> str:
        return "\n".join(str(call.params.get("text", "")) for call in self.last)

    async def choose(self, label: str) -> list[Call]:
        """Answer a numbered menu with the number of the line that holds `label`."""
        for line in self.texts().splitlines():
            number, _, words = line.partition(". ")
            if number.isdigit() and label in words:
                return await self.say(number)
        raise AssertionError(f"no menu line {label!r} in:\n{self.texts()}")

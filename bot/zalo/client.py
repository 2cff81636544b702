"""A small async client for the Zalo Bot Platform API (`/bot<TOKEN>/<method>`, JSON in and
out, `{"ok": ..., "result": ...}` answers). The base URL is a setting, so tests run it
against a fake server on loopback."""

from typing import Any

import aiohttp

from storage.media.store import MediaRejected

DEFAULT_API_BASE = "https://bot-api.zaloplatforms.com"
# The log line for a refused token, in polling and webhook mode alike: said once per
# spell of refusal, with Zalo's answer and the pace of asking again; never the token.
REFUSED = ("Zalo refuses the bot token (%s): no Zalo messages arrive until ZALO_BOT_TOKEN "
           "is fixed (then restart); asking again every %g s")


class ZaloApiError(Exception):
    """Zalo answered `ok: false` (or an HTTP error): its code and description."""

    def __init__(self, code: int, description: str) -> None:
        super().__init__(f"Zalo API error {code}: {description}")
        self.code = code
        self.description = description

    @property
    def is_quota(self) -> bool:
        """429 "quota exceeded" (and 426 for a daily limit): slow down, try later."""
        return self.code in (426, 429)

    @property
    def is_poll_timeout(self) -> bool:
        return self.code == 408


class ZaloClient:
    def __init__(self, token: str, api_base: str = DEFAULT_API_BASE) -> None:
        self._url = f"{api_base.rstrip('/')}/bot{token}"
        self._token = token
        self._http: aiohttp.ClientSession | None = None

    def redact(self, text: str) -> str:
        """`text` (an error, for a log line or /readyz) without the token: aiohttp names
        the URL in some errors, and the URL holds the token."""
        return text.replace(self._token, "<ZALO_BOT_TOKEN>") if self._token else text

    @property
    def http(self) -> aiohttp.ClientSession:
        if self._http is None or self._http.closed:
            self._http = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=60))
        return self._http

    async def call(self, method: str, params: dict[str, Any] | None = None, *,
                   wait_seconds: float = 30) -> Any:
        async with self.http.post(f"{self._url}/{method}", json=params or {},
                                  timeout=aiohttp.ClientTimeout(total=wait_seconds)
                                  ) as response:
            try:
                body = await response.json(content_type=None)
            except ValueError:
                raise ZaloApiError(response.status, "not a JSON answer") from None
        if not isinstance(body, dict) or not body.get("ok"):
            body = body if isinstance(body, dict) else {}
            raise ZaloApiError(int(body.get("error_code") or response.status or 0),
                               str(body.get("description") or "refused"))
        return body.get("result")

    async def get_me(self) -> dict[str, Any]:
        return dict(await self.call("getMe"))

    async def set_webhook(self, url: str, secret_token: str) -> Any:
        return await self.call("setWebhook", {"url": url, "secret_token": secret_token})

    async def delete_webhook(self) -> Any:
        return await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any]:
        return dict(await self.call("getWebhookInfo") or {})

    async def get_updates(self, poll_seconds: int = 25) -> list[dict[str, Any]]:
        """Long polling (development only; Zalo refuses it while a webhook is set). The
        answer is one update, or a list of them; a quiet period answers 408."""
        try:
            result = await self.call("getUpdates", {"timeout": poll_seconds},
                                     wait_seconds=poll_seconds + 10)
        except ZaloApiError as exc:
            if exc.is_poll_timeout:
                return []
            raise
        if isinstance(result, list):
            return [update for update in result if isinstance(update, dict)]
        return [result] if isinstance(result, dict) else []

    async def send_message(self, chat_id: str, text: str) -> str:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return str((result or {}).get("message_id", ""))

    async def send_photo(self, chat_id: str, photo_url: str, caption: str | None = None) -> str:
        params = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            params["caption"] = caption
        result = await self.call("sendPhoto", params)
        return str((result or {}).get("message_id", ""))

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def download(self, url: str, max_bytes: int) -> bytes:
        """A photo a resident sent, by its URL; never more than `max_bytes` is read."""
        try:
            async with self.http.get(url) as response:
                if response.status != 200:
                    raise MediaRejected("download_failed")
                if (response.content_length or 0) > max_bytes:
                    raise MediaRejected("too_large")
                data = await response.content.read(max_bytes + 1)
        except MediaRejected:
            raise
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise MediaRejected("download_failed") from exc
        if len(data) > max_bytes:
            raise MediaRejected("too_large")
        return data

    async def close(self) -> None:
        if self._http is not None:
            await self._http.close()

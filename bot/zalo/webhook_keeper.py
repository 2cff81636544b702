"""Zalo's webhook, kept registered: the token checked (getMe), our address registered
(setWebhook) and then asked of Zalo every so often (getWebhookInfo), each step tried again
with back-off until it holds. It runs in the background, so a Zalo that is down or slow
at start never holds up the web chat and the console.

What /readyz shows on the way: "unreachable" (trouble) until getMe answers; "unauthorized"
(down) while Zalo refuses the token; "not registered" (down) while setWebhook fails or
Zalo holds another address; "webhook" once Zalo holds ours; "unchecked" (trouble) when a
later getWebhookInfo fails."""

import asyncio
import logging
from urllib.parse import urlsplit

from bot.health import Component
from bot.polling import Backoff, EveryMinute
from bot.zalo.client import REFUSED, ZaloApiError, ZaloClient

log = logging.getLogger(__name__)


class ZaloWebhookKeeper:
    def __init__(self, client: ZaloClient, url: str | None, secret: str, health: Component, *,
                 every: float = 30.0, first_wait: float = 1.0,
                 longest_wait: float = 60.0) -> None:
        self._client = client
        self._url, self._secret = url, secret
        self._health = health
        self._every = every
        self._backoff = Backoff(first_wait, longest_wait)
        self._say = EveryMinute()
        self._token_checked = False
        self._registered = False
        self._refused = False
        self._doing = "getMe"  # the call under way, named when it fails

    async def run(self) -> None:
        """Keep the webhook registered until cancelled."""
        while True:
            try:
                await self._step()
            except ZaloApiError as exc:
                if exc.code == 401:
                    await asyncio.sleep(self._refused_token(exc))
                    continue
                await asyncio.sleep(self._failed(exc))
                continue
            except Exception as exc:  # unreachable, too slow, or not Zalo answering
                await asyncio.sleep(self._failed(exc))
                continue
            if self._registered:
                await asyncio.sleep(self._every)
            else:  # Zalo holds another address: registered again after a short wait
                await asyncio.sleep(self._backoff.next())

    async def _step(self) -> None:
        if not self._token_checked:
            self._doing = "getMe"
            me = await self._client.get_me()
            self._token_checked = True
            log.info("Zalo accepts the bot token (bot %s)", me.get("account_name"))
        elif self._url is None:
            await self._client.get_me()
        if self._url is None:  # registered by hand: only the token can be checked
            self._registered, self._refused = True, False
            self._health.ok("webhook", "registration not checked: ZALO_WEBHOOK_URL unset")
            return
        if not self._registered:
            self._doing = "setWebhook"
            await self._client.set_webhook(self._url, self._secret)
            log.info("Zalo webhook registered: %s", self._url)
        self._doing = "getWebhookInfo"
        info = await self._client.get_webhook_info()
        self._refused = False
        held = str(info.get("url") or "")
        if not _same_address(held, self._url):
            self._registered = False
            self._health.down("not registered", f"Zalo sends updates to {held!r}")
            due, quiet = self._say.due("elsewhere")
            if due:
                log.warning("Zalo sends updates to %r, not %r: registering our webhook "
                            "again%s", held, self._url,
                            f" ({quiet} more since the last line)" if quiet else "")
            return
        if not self._registered or self._backoff.failures:
            self._backoff.reset()
            self._say.forget()
        self._registered = True
        self._health.ok("webhook")

    def _refused_token(self, exc: ZaloApiError) -> float:
        if not self._refused:
            log.critical(REFUSED, exc, self._backoff.most)
        self._refused = True
        self._health.down("unauthorized", str(exc))
        return self._backoff.most

    def _failed(self, exc: Exception) -> float:
        wait = self._backoff.next()
        said = self._client.redact(repr(exc))[:200]
        step = self._doing
        if step == "setWebhook":  # updates wait at Zalo: down, not merely in trouble
            self._health.down("not registered", said)
        else:
            self._health.trouble("unreachable" if step == "getMe" else "unchecked", said)
        due, quiet = self._say.due(step)
        if due:
            log.warning("Zalo %s failed (%s); trying again in %.1f s%s", step, said, wait,
                        f" ({quiet} more since the last line)" if quiet else "")
        return wait


def _same_address(held: str, ours: str) -> bool:
    """Whether Zalo holds our address, spelled as Zalo may echo it back (host in any
    case, a trailing slash): a false "not registered" would take the process out of its
    load balancer for nothing."""
    def plain(url: str) -> tuple[str, str, str]:
        parts = urlsplit(url.strip())
        return parts.scheme.lower(), parts.netloc.lower(), parts.path.rstrip("/") + \
            (f"?{parts.query}" if parts.query else "")
    return bool(held) and plain(held) == plain(ours)

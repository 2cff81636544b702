"""Whether Telegram's webhook intake is alive, asked of Telegram itself.

A process behind a load balancer may go a long while without an update when residents
are quiet, so "the last webhook received" cannot tell a silent ward from a broken
registration. Every process asks getWebhookInfo every so often instead (one light call):
alive while Telegram answers with our address registered; Telegram's last delivery
error, if any, is shown with it."""

import asyncio
from datetime import UTC

from aiogram import Bot
from aiogram.exceptions import TelegramUnauthorizedError

from bot.health import Component


async def watch_webhook(bot: Bot, url: str, health: Component, *, every: float = 30.0
                        ) -> None:
    while True:
        try:
            info = await bot.get_webhook_info()
        except TelegramUnauthorizedError as exc:
            health.down("unauthorized", f"401: {exc.message}")
        except Exception as exc:
            health.trouble("unchecked", f"getWebhookInfo failed: {exc!r}"[:200])
        else:
            if info.url != url:
                health.down("not registered", f"Telegram sends updates to {info.url!r}")
            else:
                detail = None
                if info.last_error_date is not None:
                    when = info.last_error_date.astimezone(UTC)
                    detail = (f"last delivery error {when:%Y-%m-%d %H:%M:%S}Z: "
                              f"{info.last_error_message}; {info.pending_update_count} waiting")
                health.ok("webhook", detail)
        await asyncio.sleep(every)

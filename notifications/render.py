"""Outbox row → the message to send, by kind. Rendered at send time from the database."""

from collections.abc import Awaitable, Callable

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.messages import Reply
from handlers.review_card import review_card
from handlers.texts import Texts
from storage.outbox import Claimed

Render = Callable[[AsyncSession, Claimed], Awaitable[Reply | None]]


def make_renderer(texts: Texts, *, console_url: str) -> Render:
    async def render(session: AsyncSession, row: Claimed) -> Reply | None:
        if row.kind == "review_card":
            return await review_card(session, int(row.payload["nomination_id"]), texts=texts,
                                     console_url=console_url)
        raise ValueError(f"no renderer for outbox kind {row.kind!r}")

    return render

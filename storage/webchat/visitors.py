"""Web chat sessions the server issues, and what a visitor or an address sent lately:
the counts the public page's limits are checked against, in the database every process
shares (a counter in one process's memory would let each process allow the limit)."""

import hashlib
import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from storage.models import InboxUpdate, Nomination, Photo, WebVisitor

CHANNEL = "webchat"


def visitor_key(token: str) -> str:
    """The visitor's user id everywhere else (conversation, nominations, outbox)."""
    return "w" + hashlib.sha256(token.encode()).hexdigest()[:32]


def origin_of(address: str) -> str:
    # Hashed: the counts need only "the same address again", not the address itself.
    return hashlib.sha256(f"ntvt-origin:{address}".encode()).hexdigest()[:16]


async def issue_visitor(session: AsyncSession, *, origin: str, now: datetime) -> str:
    """A new session: the token for the cookie. Only its hash is kept."""
    token = secrets.token_urlsafe(32)
    session.add(WebVisitor(key=visitor_key(token), origin=origin, created_at=now))
    return token


async def known_visitor(session: AsyncSession, token: str) -> str | None:
    if not 32 <= len(token) <= 64:
        return None
    key = visitor_key(token)
    return key if await session.get(WebVisitor, key) is not None else None


async def new_visitors_from(session: AsyncSession, origin: str, since: datetime) -> int:
    return await _count(session, select(func.count()).select_from(WebVisitor).where(
        WebVisitor.origin == origin, col(WebVisitor.created_at) >= since))


async def messages_from(session: AsyncSession, key: str, since: datetime) -> int:
    return await _count(session, select(func.count()).select_from(InboxUpdate).where(
        InboxUpdate.channel == CHANNEL, InboxUpdate.chat_key == key,
        col(InboxUpdate.received_at) >= since))


async def photos_from(session: AsyncSession, key: str, since: datetime) -> int:
    return await _count(session, select(func.count()).select_from(Photo).where(
        Photo.channel == CHANNEL, Photo.user_id == key, col(Photo.created_at) >= since))


def _same_origin_keys(key: str) -> Any:
    """The visitors whose sessions were issued to the address this one's was."""
    origin = select(WebVisitor.origin).where(WebVisitor.key == key).scalar_subquery()
    return select(WebVisitor.key).where(WebVisitor.origin == origin)


async def messages_from_origin_of(session: AsyncSession, key: str, since: datetime) -> int:
    return await _count(session, select(func.count()).select_from(InboxUpdate).where(
        InboxUpdate.channel == CHANNEL, col(InboxUpdate.chat_key).in_(_same_origin_keys(key)),
        col(InboxUpdate.received_at) >= since))


async def photos_from_origin_of(session: AsyncSession, key: str, since: datetime) -> int:
    return await _count(session, select(func.count()).select_from(Photo).where(
        Photo.channel == CHANNEL, col(Photo.user_id).in_(_same_origin_keys(key)),
        col(Photo.created_at) >= since))


async def nominations_from_origin_of(session: AsyncSession, key: str, since: datetime) -> int:
    """Nominations sent lately from the address this visitor's session was issued to."""
    return await _count(session, select(func.count()).select_from(Nomination).where(
        Nomination.channel == CHANNEL,
        col(Nomination.submitter_user_id).in_(_same_origin_keys(key)),
        col(Nomination.created_at) >= since))


async def _count(session: AsyncSession, query: object) -> int:
    return int((await session.exec(query)).one())  # type: ignore[call-overload]

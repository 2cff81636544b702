"""Announcements: staff send a one-off message (a text, maybe a picture) to the groups and
leaders of units they hold a right over, after seeing it as each channel will show it.

The preview is the confirmation: it counts the chats per channel, and sending queues
exactly those through the outbox, one notice per chat, audited with the units and counts
in the same transaction. Stopping cancels the notices not yet begun (see
storage.delivery.stoppable); those being sent finish.
"""

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.texts import Texts
from storage.audit.events import record_event
from storage.models import Announcement, Unit
from storage.org.access import Scope
from storage.units.announcements import add_announcement, by_form_key, stop_announcement
from storage.units.recipients import unit_recipients

TEXT_LIMIT = 4000  # one Telegram message (4,096) with room to spare
TELEGRAM_CAPTION = 1024  # a photo's caption; a longer text follows the photo
ZALO_PICTURE_TEXT = "console.announce.zalo_picture_link"


def picture_page(announcement_id: int | str) -> str:
    """Where, under the console, staff see an announcement and its picture."""
    return f"/broadcasts?run=announce%3A{announcement_id}"


@dataclass(frozen=True)
class ZaloRules:
    """How the Zalo sender will cut and illustrate a text (injected from bot.zalo: the
    core does not know the channel's limits)."""

    pieces: Callable[[str], list[str]]
    pictures: bool  # whether Zalo can fetch our picture links
    console_url: str


@dataclass(frozen=True)
class Message:
    text: str
    photo: bool = False
    length: int = 0


@dataclass
class Plan:
    units: list[Unit]
    chats: list[tuple[str, str]]
    by_channel: dict[str, int] = field(default_factory=dict)
    refused: list[Unit] = field(default_factory=list)  # chosen, but not this person's


async def choosable_units(session: AsyncSession, scope: Scope) -> list[Unit]:
    units = (await session.exec(select(Unit).where(col(Unit.active))
                                .order_by(col(Unit.id)))).all()
    return [unit for unit in units if unit.id is not None and scope.can_decide(unit.id)]


async def plan(session: AsyncSession, scope: Scope, unit_ids: list[int]) -> Plan:
    """Who the chosen units' announcement reaches: their active groups and their leaders'
    Zalo chats, each chat once however many chosen units it serves."""
    units = list((await session.exec(select(Unit).where(col(Unit.id).in_(unit_ids), col(
        Unit.active)).order_by(col(Unit.id)))).all())
    allowed = [u for u in units if u.id is not None and scope.can_decide(u.id)]
    recipients = await unit_recipients(session)
    chats = sorted({chat for unit in allowed if unit.id in recipients
                    for chat in recipients[unit.id].chats()})
    counts: dict[str, int] = {}
    for channel, _ in chats:
        counts[channel] = counts.get(channel, 0) + 1
    return Plan(allowed, chats, counts, [u for u in units if u not in allowed])


def telegram_preview(text: str, *, picture: bool) -> list[Message]:
    """As the Telegram sender sends it: a photo with the text as caption when it fits,
    else the photo, then the text."""
    if picture and len(text) <= TELEGRAM_CAPTION:
        return [Message(text, photo=True, length=len(text))]
    head = [Message("", photo=True)] if picture else []
    return [*head, Message(text, length=len(text))]


def zalo_preview(text: str, *, picture: bool, rules: ZaloRules, texts: Texts, locale: str,
                 page: str) -> list[Message]:
    """As the Zalo sender sends it: the picture by link when Zalo can fetch it, then the
    text (with a console link to the picture) in pieces under Zalo's 2,000 characters."""
    if picture:
        text = f"{text}\n{texts.get(locale, ZALO_PICTURE_TEXT, url=rules.console_url + page)}"
    head = [Message("", photo=True)] if picture and rules.pictures else []
    return [*head, *(Message(piece, length=len(piece.encode("utf-16-le")) // 2)
                     for piece in rules.pieces(text))]


async def send(session: AsyncSession, *, scope: Scope, staff_id: int, unit_ids: list[int],
               text: str, image_sha256: str | None, now: datetime,
               form_key: str | None = None) -> Announcement | None:
    """Queue the announcement for the chosen units; None when a unit is not this person's
    (nothing is sent, the refusal is recorded). `form_key`: the preview's one-time key;
    the same key again (a second press, a resent form) is the announcement already
    queued, not a second one. Commits."""
    form_key = form_key or secrets.token_urlsafe(16)
    earlier = await by_form_key(session, form_key)
    if earlier is not None and earlier.staff_id == staff_id:
        return earlier
    chosen = await plan(session, scope, unit_ids)
    if chosen.refused or not chosen.units:
        record_event(session, action="announce_send", staff_id=staff_id, via="console",
                     now=now, allowed=False,
                     detail={"units": [u.name for u in chosen.refused or chosen.units]})
        await session.commit()
        return None
    try:
        announcement = await add_announcement(
            session, text=text, image_sha256=image_sha256,
            unit_ids=[u.id for u in chosen.units if u.id is not None], chats=chosen.chats,
            staff_id=staff_id, form_key=form_key, now=now)
    except IntegrityError:  # the same form, pressed twice at once: the other one won
        await session.rollback()
        return await by_form_key(session, form_key)
    record_event(session, action="announce_send", staff_id=staff_id, via="console", now=now,
                 target=f"announcement:{announcement.id}",
                 detail={"units": [u.name for u in chosen.units], "counts": chosen.by_channel,
                         "picture": bool(image_sha256)})
    await session.commit()
    return announcement


def may_stop(scope: Scope, announcement: Announcement) -> bool:
    return scope.is_admin or all(scope.can_decide(u) for u in announcement.unit_ids)


async def stop(session: AsyncSession, *, scope: Scope, staff_id: int, announcement_id: int,
               now: datetime) -> int | None:
    """Cancel the notices not yet begun; how many, or None when not allowed. Commits."""
    found = await session.get(Announcement, announcement_id)
    if found is None or not may_stop(scope, found):
        record_event(session, action="announce_stop", staff_id=staff_id, via="console",
                     now=now, allowed=False, target=f"announcement:{announcement_id}")
        await session.commit()
        return None
    cancelled = await stop_announcement(session, found, staff_id=staff_id, now=now)
    record_event(session, action="announce_stop", staff_id=staff_id, via="console", now=now,
                 target=f"announcement:{announcement_id}", detail={"cancelled": cancelled})
    await session.commit()
    return cancelled


async def announcement_of(session: AsyncSession, run_key: str) -> Announcement | None:
    """The announcement a broadcast run (announce:ID) is, if it is one."""
    kind, _, number = run_key.partition(":")
    if kind != "announce" or not number.isdigit():
        return None
    return await session.get(Announcement, int(number))

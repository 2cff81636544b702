"""The monthly digest of exemplars: on the set day, last month's published stories go to
every unit group (and, as the tally does, the leaders' Zalo chats), each with its link.

One outbox row per month and chat, under a unique key: a job that fires twice, or in
two processes at once, queues it once. The row keeps only the stories' ids; the message
is written at send time through live_stories, so a story withdrawn, or a nominee whose
consent was withdrawn, between queueing and sending is left out (and a digest left with
none is not sent)."""

from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.publication.public import live_stories
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from handlers.units.calendar_math import local_day
from handlers.units.tally import month_bounds, previous_month
from storage.delivery.outbox import enqueue_once
from storage.units.recipients import unit_recipients

KIND = "exemplar_digest"
PUBLIC_BASE = "/guong-sang"


async def queue_monthly_exemplars(session: AsyncSession, *, now: datetime,
                                  channels: frozenset[str], public_url: str) -> int:
    year, month = previous_month(local_day(now))
    start, end = month_bounds(year, month)
    # Compared in UTC: SQLite keeps times as UTC text and ignores an offset.
    stories = await live_stories(session, since=start.astimezone(UTC),
                                 until=end.astimezone(UTC))
    if not stories:
        return 0
    chats = sorted({chat for found in (await unit_recipients(session)).values()
                    if found.groups for chat in found.chats() if chat[0] in channels})
    base = f"{public_url.rstrip('/')}{PUBLIC_BASE}"
    payload = {"month": f"{month:02d}/{year}", "base": base,
               "stories": [{"id": s.id, "url": f"{base}/{s.slug}"}
                           for s in reversed(stories)]}  # oldest first, as the month went
    queued = 0
    for channel, chat_id in chats:
        queued += await enqueue_once(
            session, kind=KIND, channel=channel, chat_id=chat_id, now=now, payload=payload,
            dedupe_key=f"exemplars:{year}-{month:02d}:{channel}:{chat_id}")
    await session.commit()
    return queued


async def digest_reply(session: AsyncSession, payload: dict[str, object],
                       texts: Texts) -> Reply | None:
    """The message, from the stories still live now; None when none is."""
    listed = payload["stories"]
    assert isinstance(listed, list)
    urls = {int(item["id"]): str(item["url"]) for item in listed}
    live = {s.id: s for s in await live_stories(session, ids=list(urls))}
    if not live:
        return None
    locale = texts.default_locale
    lines = [texts.get(locale, "publication.digest_heading", month=payload["month"])]
    lines += [texts.get(locale, "publication.digest_line", headline=live[i].headline,
                        unit=live[i].unit, url=url) for i, url in urls.items() if i in live]
    lines.append(texts.get(locale, "publication.digest_more", url=payload["base"]))
    return Reply("\n".join(line.strip() for line in lines))

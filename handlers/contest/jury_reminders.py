"""New complete entries get their judges every working morning, and judges hear, in
their own chat, how many entries still wait for their grade: once a
week (keyed by ISO week, judge and chat), until their desk is empty."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.jury import assign_judges
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from handlers.units.calendar_math import local_day
from storage.contest.jury import assignments, private_chats
from storage.contest.progress import contests_between
from storage.delivery.outbox import enqueue_once


def waiting(rows: list[Any]) -> dict[int, int]:
    """Judge → entries on their desk not graded yet."""
    found: dict[int, int] = {}
    for row in rows:
        if not row.recused and row.graded_at is None:
            found[row.judge_staff_id] = found.get(row.judge_staff_id, 0) + 1
    return found


async def queue_judge_reminders(session: AsyncSession, *, now: datetime,
                                channels: frozenset[str]) -> int:
    today = local_day(now)
    week = f"{today.isocalendar().year}-W{today.isocalendar().week:02d}"
    queued = 0
    # Judging goes on after the closing date: every contest of this year and last.
    first, last = f"{today.year - 1}-01-01", f"{today.year}-12-31"
    for contest in await contests_between(session, first, last):
        # Entries completed since the last run get their judges before anyone is told.
        await assign_judges(session, contest, now=now)
        for judge, count in sorted(waiting(await assignments(session, contest.id or 0)).items()):
            for channel, chat_id in await private_chats(session, judge):
                if channel not in channels:
                    continue
                queued += await enqueue_once(
                    session, kind="judging_reminder", channel=channel, chat_id=chat_id,
                    now=now, dedupe_key=f"judging:{contest.id}:{week}:{judge}:{channel}:"
                                        f"{chat_id}",
                    payload={"contest": contest.name, "count": count,
                             "contest_id": contest.id})
    await session.commit()
    return queued


def judge_reminder_reply(data: Mapping[str, Any], texts: Texts, *, console_url: str) -> Reply:
    """The link opens the judge's own desk in the console."""
    return Reply(texts.get(texts.default_locale, "judging.reminder", contest=data["contest"],
                           count=data["count"],
                           url=f"{console_url}/judging/{data['contest_id']}").strip())

"""The results: prizes proposed from the leaderboard by rank and the contest's prize
counts, the organisers' final decision (editable, each change audited), and every
author told on their own channel, in their language, through the outbox."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.judging_rules import Standing, propose_prizes, ranked
from handlers.contest.jury import leaderboards
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from storage.audit.events import record_event
from storage.contest.jury import complete_entries
from storage.delivery.outbox import enqueue_once
from storage.models import Contest, ContestEntry, ContestResult

RESULT_KIND = "contest_result"


class ResultProblem(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def prize_counts(contest: Contest) -> list[tuple[str, int]]:
    return [(str(p["key"]), int(p.get("count", 0))) for p in contest.prizes]


async def overall_board(session: AsyncSession, contest: Contest) -> list[Standing]:
    """Every category's entries on one board: the seeds' prize counts are the contest's."""
    return ranked(s for board in await leaderboards(session, contest) for s in board.standings)


async def proposal(session: AsyncSession, contest: Contest) -> dict[int, tuple[str | None, bool]]:
    """entry id → (proposed prize, proposed for the city): prizes by rank, then the best
    `city_count` fully graded entries for the city's contest."""
    board = await overall_board(session, contest)
    prizes = propose_prizes(board, prize_counts(contest))
    graded = [s.entry_id for s in board if s.complete and s.mean is not None]
    city = set(graded[:contest.city_count])
    return {s.entry_id: (prizes.get(s.entry_id), s.entry_id in city) for s in board
            if s.entry_id in prizes or s.entry_id in city}


async def results(session: AsyncSession, contest: Contest) -> dict[int, ContestResult]:
    entries = select(ContestEntry.id).where(ContestEntry.contest_id == contest.id)
    return {row.entry_id: row for row in (await session.exec(select(ContestResult).where(
        col(ContestResult.entry_id).in_(entries)))).all()}


async def decide(session: AsyncSession, contest: Contest, *, entry_id: int,
                 prize_key: str | None, to_city: bool, staff_id: int, now: datetime) -> None:
    """The organisers' decision on one entry, as often as they change their mind; the
    audit log keeps each change (before and after). The caller commits."""
    if prize_key is not None and prize_key not in dict(prize_counts(contest)):
        raise ResultProblem("unknown_prize")
    entry = await session.get(ContestEntry, entry_id)
    if entry is None or entry.contest_id != contest.id or entry.status != "complete":
        raise ResultProblem("unknown_entry")
    row = (await results(session, contest)).get(entry_id)
    before = (row.prize_key, row.to_city) if row else (None, False)
    if row is None:
        row = ContestResult(entry_id=entry_id, decided_by=staff_id, decided_at=now)
    row.prize_key, row.to_city, row.decided_by, row.decided_at = prize_key, to_city, \
        staff_id, now
    session.add(row)
    record_event(session, action="contest_prize", staff_id=staff_id, via="console", now=now,
                 target=f"contest_entry:{entry.reference}",
                 detail={"contest": contest.name, "prize_before": before[0],
                         "prize": prize_key, "city_before": before[1], "city": to_city})


async def accept_proposal(session: AsyncSession, contest: Contest, *, staff_id: int,
                          now: datetime) -> int:
    """The organisers take the proposal as it stands for entries not yet decided."""
    decided = await results(session, contest)
    count = 0
    for entry_id, (prize, city) in (await proposal(session, contest)).items():
        if entry_id not in decided:
            await decide(session, contest, entry_id=entry_id, prize_key=prize, to_city=city,
                         staff_id=staff_id, now=now)
            count += 1
    await session.commit()
    return count


async def send_results(session: AsyncSession, contest: Contest, *, now: datetime) -> int:
    """Every complete entry's author hears its result once (keyed by entry): a prize,
    the city, or thanks for taking part."""
    decided = await results(session, contest)
    labels = {str(p["key"]): p for p in contest.prizes}
    queued = 0
    for entry in await complete_entries(session, contest.id or 0):
        assert entry.id is not None
        row = decided.get(entry.id)
        prize = labels.get(row.prize_key or "") if row else None
        queued += await enqueue_once(
            session, kind=RESULT_KIND, channel=entry.channel, chat_id=entry.chat_id, now=now,
            dedupe_key=f"contest_result:{contest.id}:{entry.id}",
            payload={"locale": entry.locale, "contest": contest.name,
                     "reference": entry.reference, "title": entry.title,
                     "prize_vi": str(prize["vi"]) if prize else "",
                     "prize_en": str(prize["en"]) if prize else "",
                     "to_city": bool(row and row.to_city)})
        if row is not None and row.notified_at is None:
            row.notified_at = now
            session.add(row)
    await session.commit()
    return queued


def result_reply(data: Mapping[str, Any], texts: Texts) -> Reply:
    """An author's result, in the language they entered in."""
    locale = str(data.get("locale", texts.default_locale))
    prize = str(data.get(f"prize_{locale}") or data.get("prize_vi") or "")
    values = {"contest": data["contest"], "reference": data["reference"],
              "title": data["title"], "prize": prize}
    key = "judging.result.prize" if prize else "judging.result.thanks"
    lines = [texts.get(locale, key, **values).strip()]
    if data.get("to_city"):
        lines.append(texts.get(locale, "judging.result.city").strip())
    return Reply("\n".join(lines))

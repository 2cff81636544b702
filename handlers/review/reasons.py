"""Reason templates: what staff pick as the reason for a decision (the console's form, a
group card's button). An administrator edits them in the console; until the first edit
the texts' `reasons` group is the set, so a new installation has sensible ones.

A template is named "decision.key" (e.g. "reject.not_enough") in every language.
"""

import re
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.review.card import BUTTON_REASON
from handlers.shared.texts import LOCALES, Texts
from storage.audit.events import record_event
from storage.review.reason_templates import Reason, replace_reasons, stored_reasons

DECISIONS = ("needs_info", "approve", "reject", "duplicate")
KEY = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
MAX_TEXT = 2000


def default_reasons(texts: Texts) -> list[Reason]:
    return [Reason(decision, key, locale, text)
            for decision in DECISIONS for locale in LOCALES
            for key, text in texts.group(locale, f"reasons.{decision}").items()]


async def all_reasons(session: AsyncSession, texts: Texts) -> list[Reason]:
    """The set in force: the stored one, or the texts' while none is stored."""
    return await stored_reasons(session) or default_reasons(texts)


async def reason_texts(session: AsyncSession, texts: Texts, locale: str) -> dict[str, str]:
    """"decision.key" → text in `locale`, in the order staff pick from."""
    return {f"{r.decision}.{r.key}": r.text for r in await all_reasons(session, texts)
            if r.locale == locale}


async def reasons_of(session: AsyncSession, texts: Texts, locale: str,
                     decision: str) -> dict[str, str]:
    start = f"{decision}."
    return {name.removeprefix(start): text
            for name, text in (await reason_texts(session, texts, locale)).items()
            if name.startswith(start)}


async def button_reason(session: AsyncSession, texts: Texts, locale: str,
                        action: str) -> str | None:
    """The reason a group card's button gives: its own template, else the decision's
    first one (an administrator may have renamed it), else none."""
    if action not in BUTTON_REASON:
        return None
    found = await reasons_of(session, texts, locale, action)
    key = BUTTON_REASON[action].rsplit(".", 1)[-1]
    return found.get(key) or next(iter(found.values()), None)


def reason_problem(reasons: list[Reason]) -> str | None:
    """Why the set cannot be saved, as a text key's last part; None when it can."""
    seen: set[tuple[str, str, str]] = set()
    for reason in reasons:
        if reason.decision not in DECISIONS or reason.locale not in LOCALES:
            return "unknown"
        if not KEY.match(reason.key):
            return "bad_key"
        if not reason.text.strip() or len(reason.text) > MAX_TEXT:
            return "bad_text"
        if (reason.decision, reason.key, reason.locale) in seen:
            return "twice"
        seen.add((reason.decision, reason.key, reason.locale))
    return None


async def reason_changes(session: AsyncSession, texts: Texts,
                         reasons: list[Reason]) -> list[tuple[str, str | None, str | None]]:
    """("decision.key/locale", text before, text after) for each template the new set
    adds, changes or removes; None where there is none."""
    before = {(r.decision, r.key, r.locale): r.text for r in await all_reasons(session, texts)}
    after = {(r.decision, r.key, r.locale): r.text for r in reasons}
    return [(f"{d}.{k}/{loc}", before.get((d, k, loc)), after.get((d, k, loc)))
            for d, k, loc in sorted(before.keys() | after.keys())
            if before.get((d, k, loc)) != after.get((d, k, loc))]


async def save_reasons(session: AsyncSession, texts: Texts, reasons: list[Reason], *,
                       staff_id: int | None, now: datetime) -> list[str]:
    """Store the new set and audit what changed ("decision.key/locale" names); the set is
    assumed checked with `reason_problem`. Commits."""
    changed = [name for name, _, _ in await reason_changes(session, texts, reasons)]
    await replace_reasons(session, reasons)
    record_event(session, action="reason_templates", staff_id=staff_id, via="console",
                 now=now, target="reasons", detail={"changed": changed})
    await session.commit()
    return changed

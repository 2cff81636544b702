"""A council round's three documents: the chairman's decision with its list of the
honoured, the council's minutes with each dossier's vote and outcome, and the proposal
to the city for the dossiers the council sent up.

Privacy: the decision and the proposal are official acts that name the honoured; they
are generated for staff only (the console's download, for staff over the round's unit)
and go to the signer and the city's council, not to the public, so they do not ask the
nominee's publication consent. What reaches the public (the portal, the digest, the
report's named list) asks `may_publish` at its own door."""

import asyncio
from collections import Counter
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.documents.dates import BLANK, decree_parts, spoken
from handlers.documents.render import render
from handlers.shared.texts import Texts
from storage.documents.rounds import Dossier, round_with_dossiers
from storage.models import CommendationRound, Unit

# The state's documents are written in Vietnamese, whatever the console's language.
LOCALE = "vi"
DEFAULT_TITLE = "Người tốt, việc tốt"
ISSUER_PARENT = "ỦY BAN NHÂN DÂN"


def number_of(stored: str | None) -> str:
    """ "12/QĐ-UBND" or "12" → "12" (the template writes the kind); none → blank."""
    return stored.split("/")[0].strip() if stored else BLANK


def signature(title: str, *, on_behalf_of_body: bool) -> dict[str, str]:
    """A deputy signs for the chairman ("KT. CHỦ TỊCH"); the people's committee's act
    is signed "TM. ỦY BAN NHÂN DÂN"; the chairman's own act needs no line above."""
    title = title.strip().upper() or "CHỦ TỊCH"
    if title.startswith("PHÓ"):
        return {"sign_for": "KT. CHỦ TỊCH", "signer_title": title}
    return {"sign_for": "TM. ỦY BAN NHÂN DÂN" if on_behalf_of_body else "",
            "signer_title": title}


def issuer(unit: Unit) -> dict[str, str]:
    return {"issuer_parent": ISSUER_PARENT, "issuer": unit.name.upper(),
            "unit_name": unit.name, "place": unit.name}


def person_row(index: int, dossier: Dossier) -> dict[str, Any]:
    nomination = dossier.nomination
    role = ", ".join(part for part in (nomination.nominee_role, dossier.unit.name) if part)
    return {"index": index, "name": nomination.nominee_name, "role": role,
            "summary": dossier.item.summary or nomination.deed}


def title_of(dossiers: list[Dossier]) -> str:
    titles = Counter(d.item.title for d in dossiers if d.item.title)
    return titles.most_common(1)[0][0] if titles else DEFAULT_TITLE


def decision_context(sitting: CommendationRound, unit: Unit,
                     dossiers: list[Dossier]) -> dict[str, Any]:
    honoured = [d for d in dossiers if d.item.outcome == "honoured" and d.item.level != "city"]
    return {**issuer(unit), **decree_parts(sitting.decision_on),
            **signature(sitting.signer_title, on_behalf_of_body=False),
            "number": number_of(sitting.decision_number), "signer_name": sitting.signer_name,
            "title": title_of(honoured), "round_year": sitting.year,
            "meeting_on": spoken(sitting.meeting_on),
            "people": [person_row(i, d) for i, d in enumerate(honoured, 1)]}


def minutes_context(sitting: CommendationRound, unit: Unit, dossiers: list[Dossier],
                    texts: Texts) -> dict[str, Any]:
    members = [{"name": m.get("name", ""), "role": m.get("role", "")} for m in sitting.members]

    def member(word: str) -> str:
        return next((m["name"] for m in members if word in m["role"].lower()), "")

    def shown(votes: int | None) -> str:
        return "" if votes is None else str(votes)

    rows = [{"index": i, "name": d.nomination.nominee_name, "unit": d.unit.name,
             "votes_for": shown(d.item.votes_for), "votes_against": shown(d.item.votes_against),
             "votes_abstain": shown(d.item.votes_abstain),
             "outcome": texts.get(LOCALE, f"documents.outcome.{d.item.outcome or 'none'}")
             + (f" ({texts.get('vi', f'documents.level.{d.item.level}')})"
                if d.item.outcome == "honoured" and d.item.level else "")}
            for i, d in enumerate(dossiers, 1)]
    return {**issuer(unit), **decree_parts(sitting.meeting_on), "number": BLANK,
            "title": title_of(dossiers), "round_name": sitting.name,
            "meeting_on": spoken(sitting.meeting_on), "meeting_place": sitting.meeting_place,
            "members": members, "items": rows,
            "chair": member("chủ tịch hội đồng") or member("chủ tịch") or sitting.signer_name,
            "secretary": member("thư ký")}


def proposal_context(sitting: CommendationRound, unit: Unit,
                     dossiers: list[Dossier]) -> dict[str, Any]:
    upward = [d for d in dossiers if d.item.outcome == "honoured" and d.item.level == "city"]
    return {**issuer(unit), **decree_parts(sitting.decision_on or sitting.meeting_on),
            **signature(sitting.signer_title, on_behalf_of_body=True),
            "number": BLANK, "signer_name": sitting.signer_name, "title": title_of(upward),
            "meeting_on": spoken(sitting.meeting_on),
            "people": [person_row(i, d) for i, d in enumerate(upward, 1)]}


async def round_document(session: AsyncSession, *, round_id: int, kind: str, folder: Path,
                         texts: Texts) -> bytes | None:
    """The DOCX of one of the round's documents; None for no such round or kind."""
    found = await round_with_dossiers(session, round_id)
    if found is None:
        return None
    sitting, unit, dossiers = found
    if kind == "decision":
        context = decision_context(sitting, unit, dossiers)
    elif kind == "minutes":
        context = minutes_context(sitting, unit, dossiers, texts)
    elif kind == "proposal":
        context = proposal_context(sitting, unit, dossiers)
    else:
        return None
    return await asyncio.to_thread(render, folder, kind, context)  # off the event loop

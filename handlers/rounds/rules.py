"""The council's rules, pure: what a vote may count, what an outcome needs, what a
decision number looks like, and what the decision does to a nomination's status.

"Honoured" is no nomination status: the decided round is the record of the title
(RoundItem.outcome). A verified nomination the council honours becomes approved, for
the council's decision approves it; an approved one stays approved; the others keep
their status."""

import re
from dataclasses import dataclass
from datetime import date

GATHERING, MET, DECIDED = "gathering", "met", "decided"
OUTCOMES = ("honoured", "not_honoured", "deferred")
LEVELS = ("ward", "city", "urgent")
CITY_RESULTS = ("honoured", "not_honoured")
# What the council may take on its agenda.
ELIGIBLE = ("verified", "approved")
# "125/QĐ-UBND", "07/QĐ-UBND-TĐKT": a number, then the state's QĐ sign.
_DECISION = re.compile(r"^\d{1,6}/QĐ-[A-ZĐ0-9-]+$")


@dataclass(frozen=True)
class Vote:
    votes_for: int
    votes_against: int
    votes_abstain: int


def vote_problem(vote: Vote, members: int) -> str | None:
    """A text key naming what is wrong with the vote, or None."""
    counts = (vote.votes_for, vote.votes_against, vote.votes_abstain)
    if any(count < 0 for count in counts):
        return "console.rounds.error.negative"
    if members <= 0:
        return "console.rounds.error.no_members"
    if sum(counts) > members:
        return "console.rounds.error.too_many_votes"
    return None


def outcome_problem(outcome: str, level: str | None, title: str) -> str | None:
    if outcome not in OUTCOMES:
        return "console.rounds.error.outcome"
    if outcome == "honoured" and (level not in LEVELS or not title.strip()):
        return "console.rounds.error.level_title"
    return None


def iso_day(text: str) -> str | None:
    try:
        return date.fromisoformat(text.strip()).isoformat()
    except ValueError:
        return None


def decision_problem(number: str, on: str, outcomes: list[str | None]) -> str | None:
    if not _DECISION.match(number.strip()):
        return "console.rounds.error.decision_number"
    if iso_day(on) is None:
        return "console.rounds.error.date"
    if not outcomes or any(outcome is None for outcome in outcomes):
        return "console.rounds.error.undecided_items"
    return None


def status_after(status: str, outcome: str | None) -> str:
    """The nomination's status once the round is decided."""
    return "approved" if outcome == "honoured" and status == "verified" else status


def city_stage(level: str | None, outcome: str | None) -> bool:
    """A dossier proposed to the city waits there for the city's own result."""
    return outcome == "honoured" and level == "city"


def parse_members(text: str) -> list[dict[str, str]]:
    """One member a line, "name — role" (or "name - role", "name, role")."""
    members = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        name, role = line, ""
        for sep in (" — ", " – ", " - ", ","):
            if sep in line:
                name, role = (part.strip() for part in line.split(sep, 1))
                break
        members.append({"name": name[:200], "role": role[:200]})
    return members

"""Where a nomination is in its flow, and what a staff member may do with it now.

The nomination page draws `picture` as a row of steps with the current one marked, and
offers only `next_steps`: ward staff asked "what do I press, and in which order?".
"""

from dataclasses import dataclass

from handlers.review.decisions import TRANSITIONS

# The way most nominations go, left to right.
MAIN_PATH = ("submitted", "in_review", "verified", "approved")
# Off the main path: waiting on the nominator, or ended another way.
SIDE = {"needs_info": "in_review", "rejected": None, "duplicate": None, "withdrawn": None}
# Done on the page through their own forms, not the decision radio list: verification
# has its record; approval its one button.
OWN_FORMS = frozenset({"verify", "approve"})


@dataclass(frozen=True)
class Step:
    status: str
    state: str  # done, current, ahead


@dataclass(frozen=True)
class Picture:
    path: list[Step]
    side: Step | None  # needs_info, rejected, duplicate or withdrawn, when it is there


@dataclass(frozen=True)
class NextSteps:
    approve: bool  # one press: it is verified
    approve_inline: bool  # in review: verification and approval in one form
    verify: bool  # the verification form may move it to verified
    record_verification: bool  # a verification record may be added at all
    decisions: list[str]  # the decision form's choices: needs_info, reject…


def picture(status: str) -> Picture:
    if status in MAIN_PATH:
        reached = MAIN_PATH.index(status)
        return Picture([Step(s, "done" if i < reached else "current" if i == reached
                             else "ahead") for i, s in enumerate(MAIN_PATH)], None)
    # A side state keeps the main path up to where it branched off: needs_info after
    # in review; an end after the submission only (its history tells the rest).
    branched = SIDE.get(status)
    reached = MAIN_PATH.index(branched) if branched else 0
    return Picture([Step(s, "done" if i <= reached else "ahead")
                    for i, s in enumerate(MAIN_PATH)], Step(status, "current"))


def next_steps(status: str, *, can_decide: bool) -> NextSteps:
    if not can_decide:
        return NextSteps(False, False, False, False, [])
    valid = [action for action, (starts, _) in TRANSITIONS.items() if status in starts]
    return NextSteps(
        approve="approve" in valid, approve_inline=status == "in_review",
        verify="verify" in valid, record_verification=status in TRANSITIONS["reject"][0],
        decisions=[action for action in valid if action not in OWN_FORMS])

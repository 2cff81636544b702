"""Entering the writing contest from the chat, on any channel: a table of steps like the
nomination's (handlers/intake/flow.py), run by the dialog through Services' `steps`.

The menu shows "Gửi bài dự thi" while a contest is open; the press starts a contest
draft. Each step is a room step named `contest_<draft key>`; after the last, a summary
with "Gửi bài" runs the door's checks (handlers/contest/door.py) and stores the entry.
"""

from typing import Any

from handlers.contest import door
from handlers.contest.entry_steps import (
    CONTEST,
    ArticleStep,
    CategoryStep,
    ContestPhone,
    ContestText,
    ContestUnit,
    ExemplarUnit,
    contest_of,
)
from handlers.contest.link_step import LinkStep
from handlers.intake.steps import Filled, PhotoStep, Step
from handlers.intake.validators import parse_name, parse_short_text
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.turn import RoomStep, Turn
from storage.contest.contests import open_contest
from storage.intake.conversations import latest_consent, record_consent

PREFIX = "contest:"
START = "contest:start"
CONSENT = "contest_consent"
SUMMARY = "contest_summary"


def _has_categories(draft: dict[str, Any]) -> bool:
    return bool(draft.get("_categories"))


STEPS: tuple[Step, ...] = (
    ArticleStep("body"),
    CategoryStep("category", applies=_has_categories),
    ContestText("author_name", parse_name, suggest_profile_name=True),
    ContestUnit("author_unit_id"),
    ContestPhone("author_phone"),
    ContestText("exemplar_name", parse_name),
    ExemplarUnit("exemplar_unit_id"),
    ContestText("exemplar_place", parse_short_text),
    LinkStep("nomination_id"),
    PhotoStep("photos"),
)
BY_STEP = {f"contest_{step.name}": step for step in STEPS}


async def menu_extra(turn: Turn) -> tuple[Button, ...]:
    if await open_contest(turn.session, turn.today_local.date().isoformat()) is None:
        return ()
    return (turn.button("contest.button.enter", START),)


async def pressed(turn: Turn) -> list[Reply]:
    """Every press under `contest:` comes here first (presses go before the steps): the
    menu's entry starts a draft, the others answer the step on screen."""
    if turn.inbound.payload != START:
        step = turn.conversation.step
        if step is not None and step in ROOM_STEPS:
            return await ROOM_STEPS[step].answer(turn)
        return [turn.reply("contest.closed")]
    contest = await open_contest(turn.session, turn.today_local.date().isoformat())
    if contest is None:
        return [turn.reply("contest.closed")]
    turn.draft.clear()
    turn.draft.update({CONTEST: contest.id, "_categories": bool(contest.categories)})
    intro = turn.reply("contest.welcome", name=contest.name, closes=_date(contest.closes_on),
                       min=door.show_number(contest.words_min),
                       max=door.show_number(contest.words_max))
    if await latest_consent(turn.session, channel=turn.inbound.channel,
                            user_id=turn.inbound.user_id,
                            version=turn.services.notice_version) is None:
        turn.conversation.step = CONSENT
        return [intro, *await _consent_prompt(turn)]
    return [intro, *await _advance(turn, after=None)]


def _date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


async def _consent_prompt(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("notice", version=turn.services.notice_version), rows([
        turn.button("button.consent_yes", "contest:consent:yes"),
        turn.button("button.consent_no", "contest:consent:no")]))]


async def _consent(turn: Turn) -> list[Reply]:
    if turn.inbound.payload == "contest:consent:yes":
        await record_consent(turn.session, channel=turn.inbound.channel,
                             user_id=turn.inbound.user_id,
                             version=turn.services.notice_version, now=turn.now)
        return [turn.reply("ack.consent"), *await _advance(turn, after=None)]
    if turn.inbound.payload == "contest:consent:no":
        turn.draft.clear()
        turn.conversation.step = None
        return [turn.reply("consent_declined")]
    return [turn.reply("hint.press_button"), *await _consent_prompt(turn)]


async def _advance(turn: Turn, *, after: str | None) -> list[Reply]:
    names = [step.name for step in STEPS]
    start = names.index(after) + 1 if after in names else 0
    for step in STEPS[start:]:
        if not step.applies(turn.draft) or step.is_filled(turn.draft):
            continue
        if isinstance(step, LinkStep) and not await step.has_offer(turn):
            continue
        turn.conversation.step = f"contest_{step.name}"
        return await step.prompt(turn)
    turn.conversation.step = SUMMARY
    return await _summary_prompt(turn)


def _answering(step: Step) -> RoomStep:
    async def answer(turn: Turn) -> list[Reply]:
        if CONTEST not in turn.draft:  # a draft of an older dialog: start again
            turn.conversation.step = None
            return [turn.reply("contest.closed")]
        answered = await step.answer(turn)
        if not isinstance(answered, Filled):
            return answered.replies
        return [*answered.replies, *await _advance(turn, after=step.name)]

    async def prompt(turn: Turn) -> list[Reply]:
        return await step.prompt(turn)

    return RoomStep(answer=answer, prompt=prompt, free_text=step.free_text)


async def _summary_prompt(turn: Turn) -> list[Reply]:
    lines = [turn.t("contest.summary.heading", name=(await contest_of(turn)).name)]
    edits = []
    for step in STEPS:
        if not step.applies(turn.draft) or (isinstance(step, LinkStep) and
                                            not turn.draft.get(step.name)):
            continue
        label = turn.t(f"contest.label.{step.name}")
        lines.append(turn.t("summary.line", label=label, value=await step.display(turn)))
        edits.append(turn.button("button.edit", f"contest:edit:{step.name}", label=label))
    buttons = ((turn.button("contest.button.send", "contest:send"),), *rows(edits, 2),
               (turn.button("button.cancel", "cmd:cancel"),))
    return [Reply("\n".join(lines), buttons)]


async def _summary(turn: Turn) -> list[Reply]:
    payload = turn.inbound.payload or ""
    if payload.startswith("contest:edit:") and \
            (step := BY_STEP.get(f"contest_{payload.removeprefix('contest:edit:')}")):
        turn.draft.pop(step.name, None)
        turn.conversation.step = f"contest_{step.name}"
        return await step.prompt(turn)
    if payload != "contest:send":
        return [turn.reply("hint.press_button"), *await _summary_prompt(turn)]
    contest = await contest_of(turn)
    stored = await door.complete(turn.session, contest, turn.draft,
                                 channel=turn.inbound.channel, user_id=turn.inbound.user_id,
                                 chat_id=turn.inbound.chat_id, locale=turn.locale,
                                 now=turn.now)
    if isinstance(stored, door.Refusal):
        return await _refused(turn, stored)
    turn.draft.clear()
    turn.conversation.step = None
    return [turn.reply("contest.entered", reference=stored.reference, name=contest.name)]


async def _refused(turn: Turn, refusal: door.Refusal) -> list[Reply]:
    """What the door refused is asked again: a missing detail, another exemplar's unit,
    another article."""
    said = [turn.reply(f"contest.door.{refusal.key}", **refusal.values)] \
        if refusal.key != "missing" else []
    again = {"missing": str(refusal.values.get("detail", "body")),
             "out_of_area": "exemplar_unit_id"}.get(refusal.key, "body")
    turn.draft.pop(again, None)
    return [*said, *await _advance(turn, after=None)]


ROOM_STEPS: dict[str, RoomStep] = {
    **{name: _answering(step) for name, step in BY_STEP.items()},
    CONSENT: RoomStep(answer=_consent, prompt=_consent_prompt),
    SUMMARY: RoomStep(answer=_summary, prompt=_summary_prompt),
}

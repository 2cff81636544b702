"""The nomination dialog: one entry point, `handle`, for every channel.

The person's step and draft live in the `conversation` table, so a restart, or a second
process, continues exactly where the person was.
"""

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.intake import commands, word_commands
from handlers.intake import withdraw as withdrawal
from handlers.intake.answer_more import ANSWERING, answering, answering_prompt, start_answering
from handlers.intake.commands import PRIVACY
from handlers.intake.duplicate_offer import add_to_existing, duplicate_offer
from handlers.intake.flow import BY_NAME, applicable, next_step
from handlers.intake.menu import menu_hint, remember_menu, resolve_menu
from handlers.intake.steps import Filled, Step
from handlers.intake.submit import submit_nomination
from handlers.shared.messages import Inbound, Reply, rows
from handlers.shared.texts import LOCALES
from handlers.shared.turn import Services, Turn
from storage.inbox.updates import mark_processed
from storage.intake.conversations import load_conversation, record_consent, save_conversation


async def handle(
    inbound: Inbound, *, session: AsyncSession, now: datetime, services: Services,
    inbox_id: int | None = None,
) -> list[Reply]:
    """Advance one person's dialog by one message; commits once; returns what to send.

    With `inbox_id`, the inbox row is marked processed, holding the replies, in that same
    commit: the channel sends them after it, and can send them again if it crashes first.
    """
    conversation = await load_conversation(
        session, channel=inbound.channel, user_id=inbound.user_id, chat_id=inbound.chat_id,
        locale=services.texts.default_locale)
    if inbound.locale in LOCALES:
        conversation.locale = inbound.locale
    draft = conversation.draft
    typed = resolve_menu(inbound, draft, free_text=_free_text(conversation.step, services))
    turn = Turn(typed, session, now, services, conversation, draft)
    if services.menu_extra is not None:
        turn.menu_extra = await services.menu_extra(turn)
    replies = [_in_language(reply, conversation.locale) for reply in await _dispatch(turn)]
    remember_menu(turn.draft, replies)
    conversation.draft = turn.draft
    await save_conversation(session, conversation, now=now)
    if inbox_id is not None:
        await mark_processed(session, inbox_id, now=now,
                             result={"chat_id": turn.inbound.chat_id,
                                     "replies": [reply.to_json() for reply in replies]})
    await session.commit()
    return replies


def _in_language(reply: Reply, locale: str) -> Reply:
    """A menu says which language it is in, for a channel that words it (Zalo's "answer
    with a number" line under its numbered lines)."""
    return replace(reply, extra={**reply.extra, "locale": locale}) if reply.buttons else reply


def _free_text(step: str | None, services: Services) -> bool:
    if step == ANSWERING:
        return True
    if step is not None and step in services.steps:
        return services.steps[step].free_text
    return step in BY_NAME and BY_NAME[step].free_text


async def _dispatch(turn: Turn) -> list[Reply]:
    inbound = turn.inbound
    if (typed := turn.services.command_for(inbound.text)) is not None:
        return await typed(turn)
    command = commands.command_of(inbound.text, inbound.payload)
    if command is None and (said := word_commands.said_command(turn)) is not None:
        if inbound.text and word_commands.could_be_answer(turn, inbound.text):
            return word_commands.ask_which(turn, said)
        command = said
    if command is not None:
        return await _command(turn, command)
    if (press := turn.services.press_for(inbound.payload)) is not None:
        return await press(turn)  # e.g. a staff member's typed choice on a review card
    if inbound.payload and inbound.payload.startswith("lang:"):
        return await _switch_language(turn, inbound.payload.removeprefix("lang:"))
    if inbound.payload and inbound.payload.startswith("answer:") and \
            inbound.payload != "answer:send":
        return await start_answering(turn, inbound.payload)
    if inbound.payload and inbound.payload.startswith(withdrawal.PREFIX):
        return await withdrawal.withdraw(turn, inbound.payload)
    step = turn.conversation.step
    if step is None and inbound.text and not inbound.text.startswith("/"):
        # "Chào", "tôi muốn đề xuất": on Zalo the first message is whatever one types.
        # A newcomer is greeted into a first nomination; others see theirs and the menu.
        return await commands.open_again(turn, ask_again=_prompt)
    if step is None:
        return [Reply(turn.t("idle"), commands.main_menu(turn))]
    if inbound.unsupported is not None or \
            (inbound.document is not None and step not in turn.services.steps):
        return [turn.reply("hint.unsupported"), *await _prompt(turn, step)]
    if step in CONTROL_STEPS:
        return await CONTROL_STEPS[step](turn)
    if step in turn.services.steps:
        return await turn.services.steps[step].answer(turn)
    return await _answer(turn, BY_NAME[step])


async def _command(turn: Turn, command: str) -> list[Reply]:
    if command == "start":
        return await commands.start(turn)
    if command == "open":
        return await commands.open_again(turn, ask_again=_prompt)
    if command == "cancel":
        return await commands.cancel(turn)
    if command == "my":
        return await commands.my_nominations(turn)
    if command == "lang":
        return commands.language_menu(turn)
    if command == "back":
        return await _back(turn)
    if command == "privacy" and (press := turn.services.press_for(PRIVACY)) is not None:
        turn.inbound = replace(turn.inbound, text=None, payload=PRIVACY)
        return await press(turn)
    if command.startswith("lang:"):
        return await _switch_language(turn, command.removeprefix("lang:"))
    help_or_unknown = turn.reply("help" if command == "help" else "hint.unknown_command")
    step = turn.conversation.step
    if step is None:
        return [Reply(help_or_unknown.text, commands.main_menu(turn))]
    return [help_or_unknown, *await _prompt(turn, step)]


async def _back(turn: Turn) -> list[Reply]:
    previous = word_commands.previous_step(turn)
    if previous is not None:
        turn.conversation.step = previous
        return await BY_NAME[previous].prompt(turn)
    step = turn.conversation.step
    return await _prompt(turn, step) if step else [Reply(turn.t("idle"),
                                                         commands.main_menu(turn))]


async def _confirm_word(turn: Turn) -> list[Reply]:
    command = word_commands.settle(turn)
    if command is not None:
        return await _command(turn, command)
    step = turn.conversation.step
    if turn.inbound.payload is None and step in BY_NAME:
        return await _answer(turn, BY_NAME[step])  # "no, those words are my answer"
    if turn.inbound.payload is None and step == ANSWERING:
        return await answering(turn)
    return await _dispatch(turn)


async def _confirm_word_prompt(turn: Turn) -> list[Reply]:
    return word_commands.confirm_prompt(turn)


async def _switch_language(turn: Turn, locale: str) -> list[Reply]:
    if locale in LOCALES:
        turn.conversation.locale = locale
    done = turn.reply("lang.switched")
    step = turn.conversation.step
    return [done, *await _prompt(turn, step)] if step else [
        Reply(done.text, commands.main_menu(turn))]


async def _answer(turn: Turn, step: Step) -> list[Reply]:
    answer = await step.answer(turn)
    if not isinstance(answer, Filled):
        return answer.replies
    return [*answer.replies, *await _advance(turn, after=step.name)]


async def _advance(turn: Turn, *, after: str | None) -> list[Reply]:
    upcoming = next_step(turn.draft, after)
    if upcoming is None:
        turn.conversation.step = "summary"
        return await _summary_prompt(turn)
    turn.conversation.step = upcoming.name
    return await upcoming.prompt(turn)


async def _prompt(turn: Turn, step: str) -> list[Reply]:
    if step in BY_NAME:
        return await BY_NAME[step].prompt(turn)
    if step in turn.services.steps:
        return await turn.services.steps[step].prompt(turn)
    return await CONTROL_PROMPTS[step](turn)


# -- the steps around the table: consent, resume, summary, cancel ---------------------------

async def _consent(turn: Turn) -> list[Reply]:
    if turn.inbound.payload == "consent:yes":
        turn.draft["consent_id"] = await record_consent(
            turn.session, channel=turn.inbound.channel, user_id=turn.inbound.user_id,
            version=turn.services.notice_version, now=turn.now)
        return [turn.reply("ack.consent"), *await _advance(turn, after=None)]
    if turn.inbound.payload == "consent:no":
        turn.draft.clear()
        turn.conversation.step = None
        return [Reply(turn.t("consent_declined"), commands.main_menu(turn))]
    return menu_hint(turn) or [turn.reply("hint.press_button"), *await _consent_prompt(turn)]


async def _consent_prompt(turn: Turn) -> list[Reply]:
    return commands.consent_prompt(turn)


async def _resume(turn: Turn) -> list[Reply]:
    if turn.inbound.payload == "resume:new":
        return await commands.begin(turn)
    if turn.inbound.payload == "resume:continue":
        step = turn.draft.pop("_resume_step", None) or "summary"
        turn.conversation.step = step
        return await _prompt(turn, step)
    return menu_hint(turn) or [turn.reply("hint.press_button"), *await _resume_prompt(turn)]


async def _resume_prompt(turn: Turn) -> list[Reply]:
    return commands.resume_prompt(turn)


async def _confirm_cancel(turn: Turn) -> list[Reply]:
    if turn.inbound.payload == "cancel:yes":
        return commands.drop_draft(turn)
    step = turn.draft.pop("_cancel_return", None) or "summary"
    turn.conversation.step = step
    return [turn.reply("ack.continue"), *await _prompt(turn, step)]


async def _confirm_cancel_prompt(turn: Turn) -> list[Reply]:
    return commands.confirm_cancel_prompt(turn)


async def _summary(turn: Turn) -> list[Reply]:
    payload = turn.inbound.payload or ""
    if turn.conversation.step == "summary" and payload.startswith("edit:"):
        name = payload.removeprefix("edit:")
        if name in BY_NAME and BY_NAME[name].applies(turn.draft):
            turn.conversation.step = name
            return await BY_NAME[name].prompt(turn)
    if turn.conversation.step == "summary" and payload == "submit:yes":
        return await _submit(turn)
    if turn.conversation.step == "summary" and payload == "dup:new":
        turn.draft["_dup_checked"] = True
        return await _submit(turn)
    if turn.conversation.step == "summary" and payload.startswith("dup:add:"):
        added = await add_to_existing(turn, payload)
        if added is not None:
            return added
    if turn.conversation.step == "summary":
        return menu_hint(turn) or [turn.reply("hint.press_button"), *await _summary_prompt(turn)]
    return await _summary_prompt(turn)


async def _summary_prompt(turn: Turn) -> list[Reply]:
    lines = [turn.t("summary.heading")]
    edits = []
    for step in applicable(turn.draft):
        label = turn.about_nominee(f"label.{step.name}")
        lines.append(turn.t("summary.line", label=label, value=await step.display(turn)))
        edits.append(turn.button("button.edit", f"edit:{step.name}", label=label))
    buttons = ((turn.button("button.submit", "submit:yes"),), *rows(edits, 2),
               (turn.button("button.cancel", "cmd:cancel"),))
    return [Reply("\n".join(lines), buttons)]


async def _submit(turn: Turn) -> list[Reply]:
    missing = next_step(turn.draft, None)
    if missing is not None:  # a draft from an older flow: ask what it lacks
        turn.conversation.step = missing.name
        return await missing.prompt(turn)
    offer = await duplicate_offer(turn)
    if offer is not None:
        return offer
    nomination = await submit_nomination(turn.session, turn.conversation, turn.draft,
                                         consent_id=turn.draft["consent_id"], now=turn.now,
                                         services=turn.services)
    turn.draft.clear()
    turn.conversation.step = None
    return [Reply(turn.t("submitted", reference=nomination.reference), rows([
        turn.button("button.my", "cmd:my"), turn.button("button.new", "cmd:start")]))]


CONTROL_STEPS: dict[str, Callable[[Turn], Awaitable[list[Reply]]]] = {
    "consent": _consent,
    "resume": _resume,
    "confirm_cancel": _confirm_cancel,
    "summary": _summary,
    ANSWERING: answering,
    word_commands.CONFIRM: _confirm_word,
}
CONTROL_PROMPTS: dict[str, Callable[[Turn], Awaitable[list[Reply]]]] = {
    "consent": _consent_prompt,
    "resume": _resume_prompt,
    "confirm_cancel": _confirm_cancel_prompt,
    "summary": _summary_prompt,
    ANSWERING: answering_prompt,
    word_commands.CONFIRM: _confirm_word_prompt,
}

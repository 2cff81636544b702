"""Commands that work at any step: /start, /cancel, /help, /my and the language switch."""

from collections.abc import Awaitable, Callable

from handlers.intake.flow import STEPS, next_step
from handlers.intake.withdraw import withdraw_buttons
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.turn import TIMEZONE, Turn
from storage.intake.conversations import latest_consent
from storage.intake.nominations import nominations_of
from storage.intake.supporters import supported_by
from storage.models import Nomination

# The ones a person types or sees listed.
COMMANDS = ("start", "cancel", "help", "my", "privacy", "lang")
PRIVACY = "privacy:open"  # "Dữ liệu của tôi", answered by the privacy room
# What a page sends by itself: "open" when the web chat is (re)opened.
PAGE_COMMANDS = ("open",)
MY_LIMIT = 10


def command_of(text: str | None, payload: str | None) -> str | None:
    if payload and payload.startswith("cmd:"):
        name = payload.removeprefix("cmd:")
    elif text and text.startswith("/"):
        # "/start@NtvtBot deep-link" → "start"
        name = text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower() if len(text) > 1 else ""
    else:
        return None
    if name in {"vi", "en"}:
        return f"lang:{name}"
    return name if name in COMMANDS or name in PAGE_COMMANDS else "unknown"


def main_menu(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return rows([turn.button("button.new", "cmd:start"), *turn.menu_extra,
                 turn.button("button.my", "cmd:my"),
                 turn.button("button.privacy", PRIVACY), turn.button("button.help", "cmd:help")])


def has_content(turn: Turn) -> bool:
    return any(step.is_filled(turn.draft) for step in STEPS)


async def begin(turn: Turn) -> list[Reply]:
    """A new draft: the personal-data notice first, unless this version was accepted already."""
    turn.draft.clear()
    consent_id = await latest_consent(turn.session, channel=turn.inbound.channel,
                                   user_id=turn.inbound.user_id,
                                   version=turn.services.notice_version)
    if consent_id is None:
        turn.conversation.step = "consent"
        return [Reply(turn.t("welcome")), *consent_prompt(turn)]
    turn.draft["consent_id"] = consent_id
    first = next_step(turn.draft, None)
    assert first is not None
    turn.conversation.step = first.name
    return [Reply(turn.t("welcome_back")), *await first.prompt(turn)]


async def start(turn: Turn) -> list[Reply]:
    step = turn.conversation.step
    if step in {each.name for each in STEPS} | {"summary"} and has_content(turn):
        turn.draft["_resume_step"] = step
        turn.conversation.step = "resume"
        return resume_prompt(turn)
    return await begin(turn)


async def open_again(turn: Turn, *,
                     ask_again: Callable[[Turn, str], Awaitable[list[Reply]]]) -> list[Reply]:
    """The chat opened again (the web page sends it on load): where the person left off,
    never a new nomination they did not ask for. A draft offers to go on or start over; a
    question they had not answered is asked again; someone with nominations sees them
    with their status, then the menu. Only a newcomer is greeted into a first one."""
    step = turn.conversation.step
    if step in {each.name for each in STEPS} | {"summary"} and has_content(turn):
        return await start(turn)
    if step is not None:
        return await ask_again(turn, step)
    found = await nominations_of(turn.session, channel=turn.inbound.channel,
                                 user_id=turn.inbound.user_id, limit=MY_LIMIT)
    if found or await supported_by(turn.session, channel=turn.inbound.channel,
                                   user_id=turn.inbound.user_id, limit=1):
        return [*await my_nominations(turn), Reply(turn.t("idle"), main_menu(turn))]
    if await latest_consent(turn.session, channel=turn.inbound.channel,
                            user_id=turn.inbound.user_id,
                            version=turn.services.notice_version) is not None:
        return [Reply(turn.t("idle"), main_menu(turn))]
    return await begin(turn)


def consent_prompt(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("notice", version=turn.services.notice_version), rows([
        turn.button("button.consent_yes", "consent:yes"),
        turn.button("button.consent_no", "consent:no")]))]


def resume_prompt(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("ask.resume"), rows([
        turn.button("button.resume", "resume:continue"),
        turn.button("button.restart", "resume:new")]))]


async def cancel(turn: Turn) -> list[Reply]:
    step = turn.conversation.step
    if step is None:
        return [Reply(turn.t("cancel.nothing"), main_menu(turn))]
    if has_content(turn) and step != "confirm_cancel":
        turn.draft["_cancel_return"] = step
        turn.conversation.step = "confirm_cancel"
        return confirm_cancel_prompt(turn)
    return drop_draft(turn)


def confirm_cancel_prompt(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("ask.confirm_cancel"), rows([
        turn.button("button.cancel_yes", "cancel:yes"),
        turn.button("button.cancel_no", "cancel:no")]))]


def drop_draft(turn: Turn) -> list[Reply]:
    turn.draft.clear()
    turn.conversation.step = None
    return [Reply(turn.t("cancel.done"), main_menu(turn))]


async def my_nominations(turn: Turn) -> list[Reply]:
    """Their own nominations (one merged into another shows where it went and how that
    one stands), then the ones they added to."""
    found = await nominations_of(turn.session, channel=turn.inbound.channel,
                                 user_id=turn.inbound.user_id, limit=MY_LIMIT)
    added_to = await supported_by(turn.session, channel=turn.inbound.channel,
                                  user_id=turn.inbound.user_id, limit=MY_LIMIT)
    if not found and not added_to:
        return [Reply(turn.t("my.empty"), rows([turn.button("button.new", "cmd:start")]))]
    lines = [turn.t("my.heading", count=len(found) + len(added_to))]
    for own in found:
        primary = (await turn.session.get(Nomination, own.primary_id)
                   if own.status == "duplicate" and own.primary_id else None)
        lines.append(turn.t(
            "my.merged_line" if primary else "my.line", reference=own.reference,
            name=own.nominee_name, status=turn.t(f"status.{own.status}"),
            date=own.created_at.astimezone(TIMEZONE).strftime("%d/%m/%Y"),
            primary=primary.reference if primary else "",
            primary_status=turn.t(f"status.{primary.status}") if primary else ""))
    lines += [turn.t("my.supported_line", reference=other.reference, name=other.nominee_name,
                     status=turn.t(f"status.{other.status}")) for other in added_to]
    return [Reply("\n".join(lines), withdraw_buttons(turn, found))]


def language_menu(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("ask.lang"), rows([
        turn.button("button.lang_vi", "lang:vi"), turn.button("button.lang_en", "lang:en")], 2))]

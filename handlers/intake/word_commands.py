"""Commands said in words ("huỷ", "thôi", "trợ giúp", "quay lại", "làm lại").

Where the words cannot answer the question on screen (a menu, the photos, a phone
number), they are the command. Where they could (a name, a job, a place), the person is
asked once which they meant: "huỷ" is then never saved as someone's job by mistake, and
never throws a draft away by mistake either.
"""

from dataclasses import replace

from handlers.intake.answer_more import ANSWERING
from handlers.intake.flow import BY_NAME, applicable
from handlers.shared.messages import Reply, rows
from handlers.shared.turn import Turn
from handlers.shared.typed_answers import command_in

CONFIRM = "confirm_word"
PENDING = "_word"


def said_command(turn: Turn) -> str | None:
    inbound = turn.inbound
    if inbound.text is None or inbound.payload is not None or inbound.text.startswith("/"):
        return None
    return command_in(inbound.text)


def could_be_answer(turn: Turn, text: str) -> bool:
    step = turn.conversation.step
    if step == ANSWERING:
        return True
    return step in BY_NAME and BY_NAME[step].could_take(text, turn)


def ask_which(turn: Turn, command: str) -> list[Reply]:
    turn.draft[PENDING] = {"command": command, "text": turn.inbound.text,
                           "step": turn.conversation.step}
    turn.conversation.step = CONFIRM
    return confirm_prompt(turn)


def confirm_prompt(turn: Turn) -> list[Reply]:
    pending = turn.draft.get(PENDING) or {}
    action = turn.t(f"word_command.{pending.get('command', 'help')}")
    return [Reply(turn.t("word_command.ask", text=str(pending.get("text", ""))[:60],
                         action=action), rows([
        turn.button("word_command.yes", "word:yes", action=action),
        turn.button("word_command.no", "word:no")]))]


def settle(turn: Turn) -> str | None:
    """Back at the question that was on screen. The command to run if they meant it;
    otherwise None, with the turn's message being their answer to that question: the
    words they typed ("no, that is my answer") or whatever they sent instead."""
    pending = turn.draft.pop(PENDING, None) or {}
    turn.conversation.step = pending.get("step")
    if turn.inbound.payload == "word:yes":
        return str(pending.get("command"))
    if turn.inbound.payload == "word:no":
        turn.inbound = replace(turn.inbound, text=str(pending.get("text", "")), payload=None)
    return None


def previous_step(turn: Turn) -> str | None:
    """The question before the one on screen ("quay lại"); from the summary, the last."""
    names = [step.name for step in applicable(turn.draft)]
    step = turn.conversation.step
    if step == "summary":
        return names[-1] if names else None
    if step in names and names.index(step) > 0:
        return names[names.index(step) - 1]
    return None

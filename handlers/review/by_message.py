"""Use case: a reviewer decides by typing a card's number (or its words) in a private chat.

Only a choice resolved from the latest card the system sent this person counts: the
dialog state names that card's nomination, and a payload for any other decides nothing.
`decide` then checks the person's role for the nomination's unit and writes the audit
row, exactly as for a Telegram button; everything is committed with the turn.
"""

from handlers.review.card import ACTIONS, REVIEW_PRESS, card_buttons
from handlers.review.decisions import Decider, decide
from handlers.review.private_card import CARD_KEY
from handlers.review.reasons import button_reason
from handlers.shared.messages import MENU_AGAIN, Reply
from handlers.shared.turn import Turn
from storage.intake.status import OPEN
from storage.models import Nomination
from storage.org.staff_auth import staff_for_account


def _pressed(payload: str | None) -> tuple[str, int] | None:
    action, _, raw_id = (payload or "").removeprefix(REVIEW_PRESS).partition(":")
    return (action, int(raw_id)) if action in ACTIONS and raw_id.isdigit() else None


async def decide_typed(turn: Turn) -> list[Reply]:
    inbound = turn.inbound
    pressed = _pressed(inbound.payload)
    if pressed is None or turn.draft.get(CARD_KEY) != pressed[1]:
        return [_with_resume_hint(turn, turn.t("staff_zalo.not_a_card"))]
    action, nomination_id = pressed
    nomination = await turn.session.get(Nomination, nomination_id)
    reference = nomination.reference if nomination is not None else ""
    staff = await staff_for_account(turn.session, channel=inbound.channel,
                                    external_id=inbound.user_id)
    reason = await button_reason(turn.session, turn.services.texts, turn.locale, action)
    outcome = await decide(turn.session, nomination_id=nomination_id, action=action,
                           now=turn.now, reason=reason, commit=False,
                           by=Decider(staff.id if staff else None, inbound.channel,
                                      inbound.user_id))
    status = turn.t(f"status.{outcome.status}") if outcome.status else ""
    result = outcome.result if staff is not None else "not_allowed"
    text = turn.t(f"staff_zalo.{result}", status=status, reference=reference,
                  name=staff.full_name if staff else "")
    answer = _with_resume_hint(turn, text)
    if staff is None or outcome.status not in OPEN:
        return [answer]
    # Still open, as a Telegram card keeps its buttons: the card's numbers still act on
    # it (ask for more after taking it; reject what a colleague took).
    return [Reply(answer.text, card_buttons(turn.services.texts, turn.locale, nomination_id),
                  extra={MENU_AGAIN: "1"})]


def _with_resume_hint(turn: Turn, text: str) -> Reply:
    """A reviewer may be writing a nomination of their own: the card took over their
    numbers, and /start brings their draft back."""
    if turn.conversation.step is None:
        return Reply(text.strip())
    return Reply(f"{text.strip()}\n{turn.t('staff_zalo.resume_hint').strip()}")

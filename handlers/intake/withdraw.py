"""Use case: a resident withdraws a nomination still under consideration, from /my.

Stateless, like the answer button: pressing it in the middle of a new draft leaves the
draft where it was. Asked twice (a confirmation), recorded in the audit log as the
resident's own act, and conditional, so a staff decision at the same moment wins once.
"""

from handlers.intake.own_nomination import own_nomination
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.turn import Turn
from storage.intake.status import OPEN, audit, change_status
from storage.models import Nomination

PREFIX = "withdraw:"


def withdraw_buttons(turn: Turn, nominations: list[Nomination]) -> tuple[tuple[Button, ...], ...]:
    return rows([turn.button("withdraw.button", f"{PREFIX}{n.id}", reference=n.reference)
                 for n in nominations if n.status in OPEN])


async def withdraw(turn: Turn, payload: str) -> list[Reply]:
    rest = payload.removeprefix(PREFIX)
    if rest == "no":
        return [turn.reply("withdraw.kept")]
    confirmed = rest.startswith("yes:")
    nomination = await own_nomination(turn, rest.removeprefix("yes:"))
    if nomination is None or nomination.id is None or nomination.status not in OPEN:
        return [turn.reply("withdraw.not_open")]
    if not confirmed:
        return [Reply(turn.t("withdraw.confirm", reference=nomination.reference,
                             name=nomination.nominee_name), rows([
            turn.button("withdraw.yes", f"{PREFIX}yes:{nomination.id}"),
            turn.button("withdraw.no", f"{PREFIX}no")]))]
    before = nomination.status
    if not await change_status(turn.session, nomination.id, allowed_from=set(OPEN),
                               to="withdrawn"):
        return [turn.reply("withdraw.not_open")]
    audit(turn.session, nomination_id=nomination.id, action="withdraw", from_status=before,
          to_status="withdrawn", allowed=True, staff_id=None, via=turn.inbound.channel,
          external_id=turn.inbound.user_id, reason=None, now=turn.now)
    return [turn.reply("withdraw.done", reference=nomination.reference)]

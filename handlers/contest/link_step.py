"""An entry about an exemplar someone already nominated links to that nomination (offered
when a nomination of the same folded name exists in the exemplar's unit)."""

from handlers.intake.steps import Answer, Filled, Stay, Step
from handlers.shared.messages import Reply, rows
from handlers.shared.turn import Turn
from storage.contest.entries import nominations_to_link
from storage.models import Nomination
from storage.shared.folding import fold

CHECKED = "_link_checked"


class LinkStep(Step):
    free_text = False

    def is_filled(self, draft: dict[str, object]) -> bool:
        return bool(draft.get(CHECKED))

    async def _found(self, turn: Turn) -> list[Nomination]:
        return await nominations_to_link(
            turn.session, name_folded=fold(str(turn.draft.get("exemplar_name", ""))),
            unit_id=int(turn.draft.get("exemplar_unit_id") or 0))

    async def has_offer(self, turn: Turn) -> bool:
        if await self._found(turn):
            return True
        turn.draft[CHECKED] = True
        return False

    async def prompt(self, turn: Turn) -> list[Reply]:
        buttons = [turn.button("contest.button.link", f"contest:link:{n.id}",
                               reference=n.reference, name=n.nominee_name)
                   for n in await self._found(turn)]
        buttons.append(turn.button("contest.button.no_link", "contest:link:none"))
        return [Reply(turn.t("contest.ask.nomination_id"), rows(buttons))]

    async def answer(self, turn: Turn) -> Answer:
        chosen = (turn.inbound.payload or "").removeprefix("contest:link:")
        offered = {str(n.id): n for n in await self._found(turn)}
        if chosen == "none" or chosen in offered:
            turn.draft[self.name] = offered[chosen].id if chosen in offered else None
            turn.draft["nomination_ref"] = offered[chosen].reference if chosen in offered else ""
            turn.draft[CHECKED] = True
            return Filled()
        return Stay([turn.reply("hint.press_button"), *await self.prompt(turn)])

    async def display(self, turn: Turn) -> str:
        return str(turn.draft.get("nomination_ref", ""))

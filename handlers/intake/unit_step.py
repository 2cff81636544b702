"""Where it happened: pick a unit from the tree with buttons, or type part of its name."""

from handlers.intake.steps import Answer, Filled, Stay, Step
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.turn import Turn
from storage.org.unit_tree import UnitRef, children, get_unit, search_units, with_children

MAX_MATCHES = 8


class UnitStep(Step):
    """Payloads: `unit:o:<id>` opens a unit's children, `unit:s:<id>` selects a unit."""

    async def prompt(self, turn: Turn) -> list[Reply]:
        roots = await children(turn.session, None)
        if len(roots) == 1:  # one province or ward: start inside it, not at a lone button
            return await self._browse(turn, roots[0], "ask.unit_id")
        return [Reply(turn.t("ask.unit_id"), rows(await self._unit_buttons(turn, roots)))]

    async def answer(self, turn: Turn) -> Answer:
        payload = turn.inbound.payload or ""
        if payload.startswith("unit:"):
            _, action, raw_id = ([*payload.split(":"), "", ""])[:3]
            unit = await get_unit(turn.session, int(raw_id)) if raw_id.isdigit() else None
            if unit is None:
                return Stay(await self.prompt(turn))
            if action == "s":
                return self._select(turn, unit)
            if action == "o":
                return Stay(await self._browse(turn, unit, "ask.unit_browse"))
        if turn.inbound.text and not turn.inbound.text.startswith("/"):
            return await self._search(turn, turn.inbound.text)
        return Stay([turn.reply("hint.unit"), *await self.prompt(turn)])

    def _select(self, turn: Turn, unit: UnitRef) -> Answer:
        turn.draft[self.name] = unit.id
        turn.draft["unit_name"] = unit.name
        return Filled([turn.reply("ack.unit", unit=unit.name)])

    async def _browse(self, turn: Turn, unit: UnitRef, key: str) -> list[Reply]:
        inner = await children(turn.session, unit.id)
        buttons = [turn.button("button.pick_this", f"unit:s:{unit.id}", unit=unit.name)]
        buttons += await self._unit_buttons(turn, inner)
        if unit.parent_id is not None:
            buttons.append(turn.button("button.unit_up", f"unit:o:{unit.parent_id}"))
        return [Reply(turn.t(key, unit=unit.name), rows(buttons))]

    async def _unit_buttons(self, turn: Turn, units: list[UnitRef]) -> list[Button]:
        parents = await with_children(turn.session, [u.id for u in units])
        buttons = []
        for unit in units:
            has_children = unit.id in parents
            action = "o" if has_children else "s"
            label = f"{unit.name} ›" if has_children else unit.name
            buttons.append(Button(label, f"unit:{action}:{unit.id}"))
        return buttons

    async def _search(self, turn: Turn, text: str) -> Answer:
        found = await search_units(turn.session, text, limit=MAX_MATCHES + 1)
        if len(found) == 1:
            return self._select(turn, found[0])
        if not found:
            return Stay([turn.reply("hint.unit_not_found", text=text[:50]),
                         *await self.prompt(turn)])
        buttons = []
        for unit in found[:MAX_MATCHES]:
            parent = await get_unit(turn.session, unit.parent_id) if unit.parent_id else None
            label = f"{unit.name} ({parent.name})" if parent else unit.name
            buttons.append(Button(label, f"unit:s:{unit.id}"))
        key = "ask.unit_many" if len(found) > MAX_MATCHES else "ask.unit_matches"
        return Stay([Reply(turn.t(key, count=MAX_MATCHES), rows(buttons))])

    async def display(self, turn: Turn) -> str:
        return str(turn.draft.get("unit_name", ""))

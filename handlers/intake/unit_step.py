"""Where it happened: pick a unit from the tree with buttons, or type part of its name."""

from handlers.intake.steps import Answer, Filled, Stay, Step
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.turn import Turn
from storage.org.unit_tree import UnitRef, children, get_unit, search_units, with_children

MAX_MATCHES = 8
# Units on one screen: a city's 126 wards, or a ward's 40 residential groups, as pages of
# this many with "Xem thêm", so the question and the text box stay on a phone's screen.
PER_PAGE = 8
PATH_SEPARATOR = " › "


class UnitStep(Step):
    """Payloads: `unit:o:<id>[:<page>]` opens a unit's children (id 0: the top level),
    `unit:s:<id>` selects a unit. Typed words pick a unit on screen, or search."""

    free_text = False

    async def prompt(self, turn: Turn, page: int = 0) -> list[Reply]:
        roots = await children(turn.session, None)
        if len(roots) == 1:  # one province or ward: start inside it, not at a lone button
            return await self._browse(turn, roots[0], "ask.unit_id", page)
        shown, more = _page(roots, page)
        buttons = await self._unit_buttons(turn, shown)
        if more:
            buttons.append(self._more(turn, "0", page, len(roots)))
        return [Reply(turn.t("ask.unit_id"), rows(buttons))]

    async def answer(self, turn: Turn) -> Answer:
        payload = turn.inbound.payload or ""
        if payload.startswith("unit:"):
            _, action, raw_id, raw_page = ([*payload.split(":"), "", "", ""])[:4]
            page = int(raw_page) if raw_page.isdigit() else 0
            if action == "o" and raw_id == "0":
                return Stay(await self.prompt(turn, page))
            unit = await get_unit(turn.session, int(raw_id)) if raw_id.isdigit() else None
            if unit is None:
                return Stay(await self.prompt(turn))
            if action == "s":
                return await self._select(turn, unit)
            if action == "o":
                return Stay(await self._browse(turn, unit, "ask.unit_browse", page))
        if turn.inbound.text and not turn.inbound.text.startswith("/"):
            return await self._search(turn, turn.inbound.text)
        return Stay([turn.reply("hint.unit"), *await self.prompt(turn)])

    async def _select(self, turn: Turn, unit: UnitRef) -> Answer:
        path = await self._path(turn, unit)
        turn.draft[self.name] = unit.id
        turn.draft["unit_name"] = path
        return Filled([turn.reply("ack.unit", unit=path)])

    async def _path(self, turn: Turn, unit: UnitRef) -> str:
        """"Phường Ngọc Hà › Tổ dân phố số 3": the unit under its parents, up to (not
        with) the tree's top, which every unit shares."""
        names = [unit.name]
        parent_id = unit.parent_id
        while parent_id is not None:
            parent = await get_unit(turn.session, parent_id)
            if parent is None or parent.parent_id is None:
                break
            names.insert(0, parent.name)
            parent_id = parent.parent_id
        return PATH_SEPARATOR.join(names)

    async def _browse(self, turn: Turn, unit: UnitRef, key: str, page: int = 0) -> list[Reply]:
        inner = await children(turn.session, unit.id)
        shown, more = _page(inner, page)
        buttons = [turn.button("button.pick_this", f"unit:s:{unit.id}", unit=unit.name)]
        buttons += await self._unit_buttons(turn, shown)
        if more:
            buttons.append(self._more(turn, str(unit.id), page, len(inner)))
        if unit.parent_id is not None:
            buttons.append(turn.button("button.unit_up", f"unit:o:{unit.parent_id}"))
        return [Reply(turn.t(key, unit=unit.name), rows(buttons))]

    def _more(self, turn: Turn, unit_id: str, page: int, total: int) -> Button:
        return turn.button("button.unit_more", f"unit:o:{unit_id}:{page + 1}",
                           shown=min((page + 1) * PER_PAGE, total), total=total)

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
            return await self._select(turn, found[0])
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


def _page(units: list[UnitRef], page: int) -> tuple[list[UnitRef], bool]:
    """One screen of units, and whether more follow; past the end starts over."""
    start = page * PER_PAGE if page * PER_PAGE < len(units) else 0
    return units[start:start + PER_PAGE], start + PER_PAGE < len(units)

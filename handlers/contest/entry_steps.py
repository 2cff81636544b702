"""The kinds of step a contest entry is made of (the table is in handlers/contest/dialog.py).

They are the nomination's kinds of step (handlers/intake/steps.py), asked in the
contest's own words (`contest.ask.<draft key>`), plus the article itself: pasted in one
or several messages, or sent as a DOCX or PDF, and checked for its length at once.
"""

import hashlib
from collections.abc import Callable
from typing import Any

from handlers.contest import door
from handlers.contest.documents import MAX_FILE_BYTES, DocumentRejected, read_text
from handlers.contest.word_count import count_words
from handlers.intake.steps import Answer, Filled, PhoneStep, Stay, Step, TextStep
from handlers.intake.unit_step import UnitStep
from handlers.shared.messages import Reply, rows
from handlers.shared.turn import Turn
from handlers.shared.typed_answers import DONE, Line, match
from storage.media.store import MediaRejected
from storage.models import Contest
from storage.org.unit_tree import UnitRef, children

PARTS = "_body_parts"
DONE_PAYLOAD = "contest:body_done"


CONTEST = "_contest"  # the draft's contest id


async def contest_of(turn: Turn) -> Contest:
    contest = await turn.session.get(Contest, int(turn.draft[CONTEST]))
    assert contest is not None
    return contest


class ContestText(TextStep):
    async def prompt(self, turn: Turn) -> list[Reply]:
        profile = turn.inbound.display_name
        if self.suggest_profile_name and profile:
            button = turn.button("button.use_name", f"{self.name}:profile", name=profile[:40])
            return [Reply(turn.t(f"contest.ask.{self.name}"), rows([button]))]
        return [Reply(turn.t(f"contest.ask.{self.name}"))]


class ContestPhone(PhoneStep):
    async def prompt(self, turn: Turn) -> list[Reply]:
        how = "share_or_type" if turn.inbound.contact_button else "type"
        return [self._asking(turn, turn.t(f"contest.ask.{self.name}.{how}"))]


class ContestUnit(UnitStep):
    """A unit from the tree, its path kept under `<name>_label` for the summary."""

    async def prompt(self, turn: Turn, page: int = 0) -> list[Reply]:
        roots = await children(turn.session, None)
        replies = await (self._browse(turn, roots[0], "ask.unit_browse", page)
                         if len(roots) == 1 else super().prompt(turn, page))
        return [Reply(turn.t(f"contest.ask.{self.name}")), *replies]

    async def _select(self, turn: Turn, unit: UnitRef) -> Answer:
        path = await self._path(turn, unit)
        turn.draft[self.name] = unit.id
        turn.draft[f"{self.name}_label"] = path
        return Filled([turn.reply("ack.unit", unit=path)])

    async def display(self, turn: Turn) -> str:
        return str(turn.draft.get(f"{self.name}_label", ""))


class ExemplarUnit(ContestUnit):
    """Refused with the reason when the unit is outside the contest's area."""

    async def _select(self, turn: Turn, unit: UnitRef) -> Answer:
        refusal = await door.area_refusal(turn.session, (await contest_of(turn)), unit.id)
        if refusal is not None:
            return Stay([turn.reply(f"contest.door.{refusal.key}", **refusal.values),
                         *await self.prompt(turn)])
        return await super()._select(turn, unit)


class CategoryStep(Step):
    free_text = False

    def __init__(self, name: str, *, applies: Callable[[dict[str, Any]], bool]) -> None:
        super().__init__(name, applies=applies)

    async def prompt(self, turn: Turn) -> list[Reply]:
        buttons = [turn.button("contest.category_button", f"contest:cat:{c['key']}",
                               name=c.get(turn.locale) or c.get("vi", c["key"]))
                   for c in (await contest_of(turn)).categories]
        return [Reply(turn.t("contest.ask.category"), rows(buttons))]

    async def answer(self, turn: Turn) -> Answer:
        chosen = (turn.inbound.payload or "").removeprefix("contest:cat:")
        if chosen in {c["key"] for c in (await contest_of(turn)).categories}:
            turn.draft[self.name] = chosen
            return Filled()
        return Stay([turn.reply("hint.press_button"), *await self.prompt(turn)])

    async def display(self, turn: Turn) -> str:
        chosen = turn.draft.get(self.name)
        found = next((c for c in (await contest_of(turn)).categories if c["key"] == chosen), {})
        return str(found.get(turn.locale) or found.get("vi", chosen))


class ArticleStep(Step):
    """The article: text in as many messages as it takes, then "Xong"; or one file."""

    def is_filled(self, draft: dict[str, Any]) -> bool:
        return bool(draft.get(self.name))

    def _done(self, turn: Turn) -> tuple[tuple[Any, ...], ...]:
        return rows([turn.button("contest.button.body_done", DONE_PAYLOAD)])

    async def prompt(self, turn: Turn) -> list[Reply]:
        contest = (await contest_of(turn))
        parts: list[str] = turn.draft.get(PARTS, [])
        if parts:
            return [Reply(turn.t("contest.ask.body_more", parts=len(parts)), self._done(turn))]
        return [Reply(turn.t("contest.ask.body", min=door.show_number(contest.words_min),
                                     max=door.show_number(contest.words_max)))]

    async def answer(self, turn: Turn) -> Answer:
        inbound, draft = turn.inbound, turn.draft
        if inbound.document is not None:
            return await self._document(turn)
        if inbound.payload == DONE_PAYLOAD or (inbound.text and _says_done(inbound.text)):
            if not draft.get(PARTS):
                return Stay([turn.reply("contest.hint.body_empty")])
            return await self._checked(turn, "\n\n".join(draft[PARTS]), kind="text", sha=None)
        if inbound.text is None or inbound.text.startswith("/"):
            return Stay([turn.reply("contest.hint.body_expected"), *await self.prompt(turn)])
        parts: list[str] = draft.setdefault(PARTS, [])
        if sum(map(len, parts)) + len(inbound.text) > door.MAX_TEXT:
            return Stay([Reply(turn.t("contest.door.too_many_characters",
                                      limit=door.show_number(door.MAX_TEXT)),
                               self._done(turn))])
        parts.append(inbound.text.strip())
        return Stay([Reply(turn.t("contest.ack.body_part", parts=len(parts)),
                           self._done(turn))])

    async def _document(self, turn: Turn) -> Answer:
        source = turn.inbound.document
        assert source is not None
        try:
            data = await source.read(MAX_FILE_BYTES)
            kind, text = read_text(data, file_name=source.file_name, mime=source.mime)
        except DocumentRejected as exc:
            return Stay([turn.reply(f"contest.document.{exc.reason}")])
        except MediaRejected:
            return Stay([turn.reply("contest.document.unreadable")])
        turn.draft.pop(PARTS, None)
        return await self._checked(turn, text, kind=kind,
                                   sha=hashlib.sha256(data).hexdigest())

    async def _checked(self, turn: Turn, text: str, *, kind: str, sha: str | None) -> Answer:
        """The length and the repeat checked as soon as the article is whole: the author
        hears it now, not after answering everything else."""
        contest = (await contest_of(turn))
        refusal = door.length_refusal(contest, text)
        if refusal is None and (earlier := await door.earlier_entry(turn.session, contest,
                                                                     text)) is not None:
            refusal = door.Refusal("duplicate", {"reference": earlier.reference})
        if refusal is not None:
            turn.draft.pop(PARTS, None)
            return Stay([turn.reply(f"contest.door.{refusal.key}", **refusal.values),
                         turn.reply("contest.ask.body_again")])
        turn.draft.pop(PARTS, None)
        turn.draft.update({self.name: text, "file_kind": kind, "file_sha256": sha})
        words = count_words(text)
        return Filled([turn.reply("contest.ack.body", count=door.show_number(words))])

    async def display(self, turn: Turn) -> str:
        words = count_words(str(turn.draft.get(self.name, "")))
        return turn.t("contest.summary.words", count=door.show_number(words))


def _says_done(text: str) -> bool:
    """"xong", "xong rồi", "done": a short message meaning the article is all sent."""
    if len(text) > 30:
        return False
    return match(text, [Line("xong", frozenset({DONE}))], partial=False).chosen == 0

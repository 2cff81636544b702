"""The kinds of step a nomination is made of; the table itself is in handlers/intake/flow.py.

A step asks (prompt), reads an answer (answer) and shows its value in the summary
(display). An answer either fills the draft (Filled) or keeps the step with a hint (Stay).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from handlers.intake.menu import menu_hint
from handlers.intake.validators import Invalid, parse_deed_date, parse_phone, show_date, show_phone
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.turn import Turn
from storage.intake.draft_photos import clear_draft_photos
from storage.intake.nominations import add_draft_photo
from storage.media.store import MediaRejected


@dataclass(frozen=True)
class Filled:
    replies: list[Reply] = field(default_factory=list)


@dataclass(frozen=True)
class Stay:
    replies: list[Reply]


Answer = Filled | Stay
Draft = dict[str, Any]


def always(_draft: Draft) -> bool:
    return True


class Step:
    """Base: a step answered by typed text."""

    # Answered in the person's own words, where a menu's words count only typed whole:
    # its buttons are suggestions ("Dùng tên", "Hôm nay"), and "Lan" is a name.
    free_text = True

    def __init__(self, name: str, *, applies: Callable[[Draft], bool] = always) -> None:
        self.name = name
        self.applies = applies

    def is_filled(self, draft: Draft) -> bool:
        return self.name in draft

    async def prompt(self, turn: Turn) -> list[Reply]:
        return [Reply(turn.about_nominee(f"ask.{self.name}"))]

    async def answer(self, turn: Turn) -> Answer:
        inbound = turn.inbound
        if inbound.text is None or inbound.text.startswith("/"):
            return Stay([turn.reply("hint.expects_text"), *await self.prompt(turn)])
        try:
            turn.draft[self.name] = self.parse(inbound.text, turn)
        except Invalid as exc:
            return Stay([turn.reply(exc.hint)])
        return Filled()

    def parse(self, text: str, turn: Turn) -> Any:
        raise NotImplementedError

    def could_take(self, text: str, turn: Turn) -> bool:
        """Whether `text` would be a valid answer here (so a command word needs asking)."""
        try:
            self.parse(text, turn)
        except (Invalid, NotImplementedError):
            return False
        return True

    async def display(self, turn: Turn) -> str:
        return str(turn.draft.get(self.name, ""))


class TextStep(Step):
    def __init__(self, name: str, parse: Callable[[str], str], *,
                 applies: Callable[[Draft], bool] = always, suggest_profile_name: bool = False
                 ) -> None:
        super().__init__(name, applies=applies)
        self._parse = parse
        self.suggest_profile_name = suggest_profile_name

    def parse(self, text: str, turn: Turn) -> Any:
        return self._parse(text)

    async def prompt(self, turn: Turn) -> list[Reply]:
        profile = turn.inbound.display_name
        if self.suggest_profile_name and profile:
            button = turn.button("button.use_name", f"{self.name}:profile", name=profile[:40])
            return [Reply(turn.t(f"ask.{self.name}"), rows([button]))]
        return await super().prompt(turn)

    async def answer(self, turn: Turn) -> Answer:
        profile = turn.inbound.display_name
        if turn.inbound.payload == f"{self.name}:profile" and profile:
            turn.draft[self.name] = self._parse(profile)
            return Filled()
        return await super().answer(turn)


class ChoiceStep(Step):
    free_text = False
    def __init__(self, name: str, options: tuple[str, ...], *, per_row: int = 1,
                 applies: Callable[[Draft], bool] = always) -> None:
        super().__init__(name, applies=applies)
        self.options = options
        self.per_row = per_row

    async def prompt(self, turn: Turn) -> list[Reply]:
        buttons = [turn.button(f"choice.{self.name}.{o}", f"{self.name}:{o}") for o in self.options]
        return [Reply(turn.t(f"ask.{self.name}"), rows(buttons, self.per_row))]

    async def answer(self, turn: Turn) -> Answer:
        payload = turn.inbound.payload or ""
        prefix, _, option = payload.partition(":")
        if prefix == self.name and option in self.options:
            turn.draft[self.name] = option
            return Filled()
        return Stay(menu_hint(turn) or [turn.reply("hint.press_button"),
                                        *await self.prompt(turn)])

    def could_take(self, text: str, turn: Turn) -> bool:
        return False

    async def display(self, turn: Turn) -> str:
        return turn.t(f"choice.{self.name}.{turn.draft[self.name]}")


class DateStep(Step):
    async def prompt(self, turn: Turn) -> list[Reply]:
        today = turn.button("button.today", f"{self.name}:today")
        return [Reply(turn.t(f"ask.{self.name}"), rows([today]))]

    async def answer(self, turn: Turn) -> Answer:
        if turn.inbound.payload == f"{self.name}:today":
            turn.draft[self.name] = turn.today_local.date().isoformat()
            return Filled()
        return await super().answer(turn)

    def parse(self, text: str, turn: Turn) -> Any:
        return parse_deed_date(text, today=turn.today_local.date())

    async def display(self, turn: Turn) -> str:
        return show_date(turn.draft[self.name])


class PhoneStep(Step):
    async def prompt(self, turn: Turn) -> list[Reply]:
        how = "share_or_type" if turn.inbound.contact_button else "type"
        return [self._asking(turn, turn.t(f"ask.{self.name}.{how}"))]

    def _asking(self, turn: Turn, text: str) -> Reply:
        # The number keypad stays up after a wrong answer too.
        return Reply(text, ask_contact=True,
                     extra={"input_mode": "tel", "contact_label": turn.t("button.share_phone")})

    async def answer(self, turn: Turn) -> Answer:
        inbound = turn.inbound
        if inbound.contact_phone is not None:
            if not inbound.contact_is_own:
                return Stay([turn.reply("hint.own_contact")])
            raw = inbound.contact_phone
        elif inbound.text is not None and not inbound.text.startswith("/"):
            raw = inbound.text
        else:
            return Stay([turn.reply("hint.expects_phone"), *await self.prompt(turn)])
        try:
            turn.draft[self.name] = self.parse(raw, turn)
        except Invalid as exc:
            return Stay([self._asking(turn, turn.t(exc.hint))])
        return Filled([Reply(turn.t("ack.phone", phone=show_phone(turn.draft[self.name])),
                             clear_keyboard=True)])

    def parse(self, text: str, turn: Turn) -> Any:
        return parse_phone(text)

    async def display(self, turn: Turn) -> str:
        return show_phone(turn.draft[self.name])


class PhotoStep(Step):
    """1–10 photos, one at a time or as an album, then "Xong"; skipping needs a second press."""

    free_text = False

    def is_filled(self, draft: Draft) -> bool:
        return bool(draft.get("photos_done"))

    def _buttons(self, turn: Turn) -> tuple[tuple[Button, ...], ...]:
        if turn.draft.get("photos"):
            return rows([turn.button("button.done", "photos:done"),
                         turn.button("button.clear_photos", "photos:clear")], 2)
        return rows([turn.button("button.skip_photos", "photos:skip")])

    async def prompt(self, turn: Turn) -> list[Reply]:
        count = len(turn.draft.get("photos", []))
        key = "ask.photos_more" if count else "ask.photos"
        return [Reply(turn.t(key, count=count, limit=turn.services.max_photos),
                      self._buttons(turn))]

    async def answer(self, turn: Turn) -> Answer:
        inbound, draft = turn.inbound, turn.draft
        photos: list[int] = draft.setdefault("photos", [])
        if inbound.photo is not None:
            return await self._receive(turn, photos)
        if inbound.payload == "photos:done" and photos:
            draft["photos_done"] = True
            return Filled()
        if inbound.payload in {"photos:done", "photos:skip"}:
            draft["_warned_no_photos"] = True
            return Stay([Reply(turn.t("warn.no_photos"), rows([
                turn.button("button.skip_confirm", "photos:skip_confirm"),
                turn.button("button.send_photos", "photos:back")]))])
        if inbound.payload == "photos:skip_confirm" and draft.get("_warned_no_photos"):
            draft["photos_done"] = True
            return Filled()
        if inbound.payload == "photos:clear":
            await clear_draft_photos(turn.session, draft.get("photos", []),
                                     channel=inbound.channel, user_id=inbound.user_id,
                                     now=turn.now)
            draft["photos"] = []
            return Stay(await self.prompt(turn))
        if inbound.payload == "photos:back":
            return Stay(await self.prompt(turn))
        # Name only the button on screen: "Xong" comes with the first photo.
        key = "hint.expects_more_photos" if draft.get("photos") else "hint.expects_photo"
        return Stay([Reply(turn.t(key), self._buttons(turn))])

    async def _receive(self, turn: Turn, photos: list[int]) -> Answer:
        limit = turn.services.max_photos
        if len(photos) >= limit:
            return Stay([Reply(turn.t("hint.photo_limit", limit=limit), self._buttons(turn))])
        try:
            photos.append(await store_sent_photo(turn))
        except MediaRejected as exc:
            return Stay([Reply(turn.t(f"photo_rejected.{exc.reason}"), self._buttons(turn))])
        return Stay([Reply(turn.t("ack.photo", count=len(photos), limit=limit),
                           self._buttons(turn), extra={"ack": "photo"})])

    async def display(self, turn: Turn) -> str:
        return turn.t("summary.photo_count", count=len(turn.draft.get("photos", [])))


async def store_sent_photo(turn: Turn) -> int:
    """Fetch, validate and keep the photo the person sent, as a draft photo of theirs;
    its id. Raises MediaRejected with the reason to tell them."""
    assert turn.inbound.photo is not None
    media = turn.services.media
    # Decoded before the turn by the channel: the turn only keeps the prepared bytes.
    stored = await media.keep(await turn.inbound.photo.prepared(media))
    photo = await add_draft_photo(turn.session, stored, channel=turn.inbound.channel,
                                  user_id=turn.inbound.user_id, now=turn.now)
    assert photo.id is not None
    return photo.id

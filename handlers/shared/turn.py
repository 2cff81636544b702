"""Everything one turn of the conversation needs, passed down rather than imported."""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.shared.messages import Button, Inbound, Reply
from handlers.shared.texts import Texts
from storage.intake.conversations import DialogState
from storage.media.store import MediaStore

TIMEZONE = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class Services:
    """Built once in the composition root."""

    texts: Texts
    media: MediaStore
    notice_version: str = "2026-01"
    max_photos: int = 10
    console_url: str = "http://127.0.0.1:8000/console"
    tally_scope: str = "cluster"  # whose table a unit group sees: its cluster's, or "all"
    # More nominations than this in an hour, from one person or one web address, are
    # held back: kept for the console, not announced in the staff groups.
    nominations_per_person_hour: int = 3
    nominations_per_address_hour: int = 10
    # A resident's request about their data: acknowledged within this many working
    # days, settled within this many days (settings PRIVACY_ACKNOWLEDGE_WORKING_DAYS,
    # PRIVACY_SETTLE_DAYS; docs/privacy.md says why these defaults).
    privacy_acknowledge_days: int = 2
    privacy_settle_days: int = 3
    # Channels whose reviewers get each card in their private chat (Zalo: bots reach no
    # staff group there). Only the configured ones: a card no sender takes would wait.
    private_review_channels: tuple[str, ...] = ()
    # Presses another capability answers inside the dialog, by payload prefix (review's
    # "rv:" typed on Zalo): wired in the composition root, as intake may not import review.
    presses: Mapping[str, "Press"] = field(default_factory=dict)
    # Steps of the dialog another capability owns, by name (privacy's "what should be
    # corrected?"): what it makes of an answer there, and how it asks again.
    steps: Mapping[str, "RoomStep"] = field(default_factory=dict)
    # Typed commands another capability answers in a private chat, by name (org's
    # "/link CODE": a staff member links their own chat account).
    commands: Mapping[str, "Press"] = field(default_factory=dict)
    # Entries another capability adds to the main menu for this turn (the contest's
    # "Gửi bài dự thi" while one is open).
    menu_extra: "MenuExtra | None" = None

    def command_for(self, text: str | None) -> "Press | None":
        if not self.commands or not text or not text.startswith("/") or len(text) < 2:
            return None
        return self.commands.get(text[1:].split(maxsplit=1)[0].split("@", 1)[0].lower())

    def press_for(self, payload: str | None) -> "Press | None":
        if not payload:
            return None
        return next((press for prefix, press in self.presses.items()
                     if payload.startswith(prefix)), None)


@dataclass
class Turn:
    inbound: Inbound
    session: AsyncSession
    now: datetime
    services: Services
    conversation: DialogState
    draft: dict[str, Any]
    menu_extra: tuple[Button, ...] = ()

    @property
    def locale(self) -> str:
        return self.conversation.locale

    @property
    def today_local(self) -> datetime:
        return self.now.astimezone(TIMEZONE)

    def t(self, key: str, **values: Any) -> str:
        """The text in the person's language, worded for their channel."""
        return self.services.texts.get(self.locale, key, channel=self.inbound.channel,
                                       **values)

    def about_nominee(self, key: str, **values: Any) -> str:
        """`key` worded for the kind of nominee chosen: a collective is not asked for a
        person's full name or job (`collective.KEY` where the catalogue has one)."""
        if self.draft.get("nominee_kind") == "collective" and \
                self.services.texts.has(self.locale, f"collective.{key}"):
            return self.t(f"collective.{key}", **values)
        return self.t(key, **values)

    def button(self, key: str, payload: str, **values: Any) -> Button:
        return Button(self.t(key, **values), payload)

    def reply(self, key: str, **values: Any) -> Reply:
        return Reply(self.t(key, **values))


Press = Callable[[Turn], Awaitable[list[Reply]]]
MenuExtra = Callable[[Turn], Awaitable[tuple[Button, ...]]]


@dataclass(frozen=True)
class RoomStep:
    answer: Press
    prompt: Press
    # Answered in the person's own words (an article, a name): a menu's words count only
    # typed whole there, as at the nomination's free-text questions.
    free_text: bool = False

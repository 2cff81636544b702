"""Everything one turn of the conversation needs, passed down rather than imported."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.messages import Button, Inbound, Reply
from handlers.texts import Texts
from storage.conversations import DialogState
from storage.media import MediaStore

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


@dataclass
class Turn:
    inbound: Inbound
    session: AsyncSession
    now: datetime
    services: Services
    conversation: DialogState
    draft: dict[str, Any]

    @property
    def locale(self) -> str:
        return self.conversation.locale

    @property
    def today_local(self) -> datetime:
        return self.now.astimezone(TIMEZONE)

    def t(self, key: str, **values: Any) -> str:
        return self.services.texts.get(self.locale, key, **values)

    def button(self, key: str, payload: str, **values: Any) -> Button:
        return Button(self.t(key, **values), payload)

    def reply(self, key: str, **values: Any) -> Reply:
        return Reply(self.t(key, **values))

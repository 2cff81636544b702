"""The public page's limits: how many new sessions an address may open, how fast a
visitor may send messages and photos. Counted in the shared database, so several
processes allow the limit together, not each. Settings, built in the composition root."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel.ext.asyncio.session import AsyncSession

from storage.webchat.visitors import (
    messages_from,
    messages_from_origin_of,
    new_visitors_from,
    photos_from,
    photos_from_origin_of,
)

MINUTE, HOUR = timedelta(minutes=1), timedelta(hours=1)
# Request bodies are capped before they are read (FastAPI's max_body_size): what the
# page's own JSON ever needs (a 5,000-character answer is about 20 KB as JSON), and a
# photo at the media store's cap with room for its multipart envelope.
JSON_BODY_CAP = 64 * 1024
MULTIPART_ROOM = 64 * 1024


@dataclass(frozen=True)
class WebLimits:
    new_visitors_per_address_hour: int = 60
    messages_per_visitor_minute: int = 30
    photos_per_visitor_hour: int = 40
    # All the visitors behind one address together (a mobile network's many residents).
    messages_per_address_minute: int = 300
    photos_per_address_hour: int = 400

    async def may_open(self, session: AsyncSession, origin: str, now: datetime) -> bool:
        opened = await new_visitors_from(session, origin, now - HOUR)
        return opened < self.new_visitors_per_address_hour

    async def may_send(self, session: AsyncSession, key: str, now: datetime) -> bool:
        since = now - MINUTE
        return (await messages_from(session, key, since) < self.messages_per_visitor_minute
                and await messages_from_origin_of(session, key, since)
                < self.messages_per_address_minute)

    async def may_upload(self, session: AsyncSession, key: str, now: datetime) -> bool:
        since = now - HOUR
        return (await photos_from(session, key, since) < self.photos_per_visitor_hour
                and await photos_from_origin_of(session, key, since)
                < self.photos_per_address_hour)

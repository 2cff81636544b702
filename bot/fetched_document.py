"""A document (a contest entry's DOCX or PDF) a channel downloads before the turn, as it
does a photo (bot/prefetched_photo.py): the turn never waits on the platform while it
holds the database. A failed download is kept and told when the turn reads it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from handlers.contest.documents import MAX_FILE_BYTES, DocumentRejected
from storage.media.store import MediaRejected


@dataclass
class FetchedDocument:
    file_name: str | None
    mime: str | None
    data: bytes | None = None
    refused: str | None = None  # a DocumentRejected reason

    @classmethod
    async def fetch(cls, file_name: str | None, mime: str | None, size: int | None,
                    download: Callable[[int], Awaitable[bytes]]) -> "FetchedDocument":
        if size is not None and size > MAX_FILE_BYTES:
            return cls(file_name, mime, refused="too_large")
        try:
            data = await download(MAX_FILE_BYTES)
        except MediaRejected as rejected:
            return cls(file_name, mime, refused="too_large"
                       if rejected.reason == "too_large" else "unreadable")
        if len(data) > MAX_FILE_BYTES:
            return cls(file_name, mime, refused="too_large")
        return cls(file_name, mime, data=data)

    async def read(self, max_bytes: int) -> bytes:
        if self.data is None:
            raise DocumentRejected(self.refused or "unreadable")
        if len(self.data) > max_bytes:
            raise DocumentRejected("too_large")
        return self.data

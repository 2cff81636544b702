"""The evidence-photo store: photos go in as bytes and come out as bytes, named by the
content hash of what we keep; where the bytes live (a folder, an S3-compatible bucket) is
the Blobs behind it. Decoding runs in a few worker threads of its own within a pixel
budget, object-store calls in others: nothing here blocks the event loop."""

import asyncio
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from storage.media.blobs import Blobs, FolderBlobs
from storage.media.photo_codec import (
    ALLOWED_FORMATS,
    THUMBNAIL_BOX,
    MediaLimits,
    MediaRejected,
    PixelBudget,
    PreparedPhoto,
    prepare,
)
from storage.shared.worker_threads import Lane

__all__ = ["ALLOWED_FORMATS", "THUMBNAIL_BOX", "Kind", "MediaLimits", "MediaRejected",
           "MediaStore", "PreparedPhoto", "StoredImage", "key_for"]

# A "chart" is any PNG we drew (a tally chart, a certificate's picture); a "document" a
# PDF we made (a certificate).
Kind = Literal["photo", "thumbnail", "chart", "document"]
_SUFFIX: dict[Kind, str] = {"photo": ".jpg", "thumbnail": ".thumb.jpg", "chart": ".png",
                            "document": ".pdf"}
CONTENT_TYPE: dict[Kind, str] = {"photo": "image/jpeg", "thumbnail": "image/jpeg",
                                 "chart": "image/png", "document": "application/pdf"}
_PNG = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    width: int
    height: int
    size_bytes: int
    phash: str = ""  # see PreparedPhoto.phash


def key_for(sha256: str, kind: Kind = "photo") -> str:
    """The blob name; the same layout as the media folder always had."""
    if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
        raise ValueError("not a content hash")
    return f"{sha256[:2]}/{sha256}{_SUFFIX[kind]}"


class MediaStore:
    def __init__(self, blobs: Blobs | Path, limits: MediaLimits | None = None, *,
                 decoders: int = 2, transfers: int = 8, intake: int = 4) -> None:
        self.blobs: Blobs = FolderBlobs(blobs) if isinstance(blobs, Path) else blobs
        self.limits = limits or MediaLimits()
        # Sent files (up to max_bytes each) held in memory at once, from download to
        # decoded: twelve 15 MB uploads at once wait their turn on disk or at the
        # platform, not as 180 MB of bytes queued for the decoding threads.
        self.intake = asyncio.Semaphore(intake)
        self._budget = PixelBudget(self.limits.decode_budget_pixels)
        self._decoding = Lane("photo-decode", decoders)
        self._transfers = Lane("media-io", transfers)

    # For the event loop: each call runs in the store's own worker threads.

    async def prepare(self, data: bytes) -> PreparedPhoto:
        """Validate, decode and re-encode a sent photo, keeping nothing yet: what a channel
        does before the turn opens its transaction. Raises MediaRejected."""
        return await self._decoding.run(prepare, data, self.limits, self._budget)

    async def keep(self, prepared: PreparedPhoto) -> StoredImage:
        return await self._transfers.run(self._keep, prepared)

    async def store_chart(self, png: bytes) -> str:
        return await self._transfers.run(self.save_chart, png)

    async def store_document(self, pdf: bytes) -> str:
        return await self._transfers.run(self.save_document, pdf)

    async def fetch(self, sha256: str, kind: Kind = "photo") -> bytes | None:
        return await self._transfers.run(self.read, sha256, kind)

    async def discard(self, sha256: str) -> None:
        await self._transfers.run(self.forget, sha256)

    async def discard_made(self, sha256: str, kind: Kind) -> None:
        """A file we made (a certificate's PDF or PNG) gone, whether or not it was there."""
        await self._transfers.run(self.blobs.delete, key_for(sha256, kind))

    # Blocking: for scripts, tests, and the worker threads above.

    def save(self, data: bytes) -> StoredImage:
        """Validate and keep one photo."""
        return self._keep(prepare(data, self.limits, self._budget))

    def save_chart(self, png: bytes) -> str:
        """Keep a drawn PNG under its content hash; nothing to validate or strip: we made
        it."""
        if not png.startswith(_PNG):
            raise MediaRejected("not_an_image")
        sha256 = hashlib.sha256(png).hexdigest()
        key = key_for(sha256, "chart")
        if not self.blobs.exists(key):
            self.blobs.put(key, png, CONTENT_TYPE["chart"])
        return sha256

    def save_document(self, pdf: bytes) -> str:
        """Keep a PDF we made under its content hash."""
        if not pdf.startswith(b"%PDF-"):
            raise MediaRejected("not_a_document")
        sha256 = hashlib.sha256(pdf).hexdigest()
        key = key_for(sha256, "document")
        if not self.blobs.exists(key):
            self.blobs.put(key, pdf, CONTENT_TYPE["document"])
        return sha256

    def read(self, sha256: str, kind: Kind = "photo") -> bytes | None:
        return self.blobs.get(key_for(sha256, kind))

    def forget(self, sha256: str) -> None:
        """A photo and its thumbnail gone (the photo first: a photo that exists always has
        its thumbnail)."""
        self.blobs.delete(key_for(sha256))
        self.blobs.delete(key_for(sha256, "thumbnail"))

    def _keep(self, prepared: PreparedPhoto) -> StoredImage:
        key = key_for(prepared.sha256)
        if not self.blobs.exists(key):
            # The thumbnail first: a photo that exists always has its thumbnail.
            self.blobs.put(key_for(prepared.sha256, "thumbnail"), prepared.thumbnail,
                           CONTENT_TYPE["thumbnail"])
            self.blobs.put(key, prepared.jpeg, CONTENT_TYPE["photo"])
        return StoredImage(sha256=prepared.sha256, width=prepared.width,
                           height=prepared.height, size_bytes=len(prepared.jpeg),
                           phash=prepared.phash)

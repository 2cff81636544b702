"""Signed, expiring links to a stored picture: how a platform that takes pictures only
by URL (Zalo) gets one, without the media folder being public. A link names the file by
its content hash and carries its expiry and an HMAC of both."""

import hashlib
import hmac
import re
import time
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import Response

from storage.media.store import MediaStore

_HASH = re.compile(r"^[0-9a-f]{64}$")
KINDS = {"jpg": "image/jpeg", "png": "image/png"}  # stored photos, drawn charts


class MediaLinks:
    def __init__(self, secret: bytes, base_url: str, *, lifetime_seconds: int = 3600) -> None:
        self._secret = secret
        self._base_url = base_url.rstrip("/")
        self._lifetime = lifetime_seconds

    def _signature(self, sha256: str, ext: str, expires: int) -> str:
        mac = hmac.new(self._secret, f"{sha256}.{ext}:{expires}".encode(), hashlib.sha256)
        return mac.hexdigest()[:32]

    def url_for(self, sha256: str, *, ext: str = "jpg", now: float | None = None) -> str:
        expires = int((now if now is not None else time.time()) + self._lifetime)
        return (f"{self._base_url}/media/{sha256}.{ext}"
                f"?e={expires}&s={self._signature(sha256, ext, expires)}")

    def valid(self, sha256: str, expires: int, signature: str, *, ext: str = "jpg",
              now: float | None = None) -> bool:
        if not _HASH.match(sha256) or ext not in KINDS or \
                expires < (now if now is not None else time.time()):
            return False
        return hmac.compare_digest(signature, self._signature(sha256, ext, expires))


def build_router(links: MediaLinks, media: MediaStore) -> APIRouter:
    router = APIRouter()

    @router.get("/media/{sha256}.{ext}")
    async def signed_picture(sha256: str, ext: str, e: Annotated[int, Query()],
                             s: Annotated[str, Query(max_length=64)]) -> Response:
        if not links.valid(sha256, e, s, ext=ext):
            raise HTTPException(status_code=404)  # no hint whether the file exists
        # Read through the store, not a local path: any process serves what another kept.
        data = await media.fetch(sha256, "chart" if ext == "png" else "photo")
        if data is None:
            raise HTTPException(status_code=404)
        return Response(data, media_type=KINDS[ext],
                        headers={"Cache-Control": "no-store"})

    return router

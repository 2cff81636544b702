"""The evidence-photo pipeline: sniff, cap, re-encode without metadata, store by content hash.

Every rule here is from DESIGN.md §5: only JPEG/PNG/WebP judged by their bytes, byte and
pixel caps, decompression-bomb warnings as errors, no metadata kept (GPS included),
content-hash names, and a thumbnail.
"""

import hashlib
import io
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import imagehash
from PIL import Image, ImageOps

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
THUMBNAIL_BOX = (320, 320)


class MediaRejected(Exception):
    """The file is not an acceptable photo; `reason` names the message to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class StoredImage:
    sha256: str
    width: int
    height: int
    size_bytes: int
    # A perceptual hash (dHash, 64 bits as hex): the same scene re-photographed,
    # re-encoded or resized lands a few bits away; duplicates are found by it.
    phash: str = ""


@dataclass(frozen=True)
class MediaLimits:
    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 2560


class MediaStore:
    def __init__(self, root: Path, limits: MediaLimits | None = None) -> None:
        self.root = root
        self.limits = limits or MediaLimits()

    def path_for(self, sha256: str, *, thumbnail: bool = False) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError("not a content hash")
        suffix = ".thumb.jpg" if thumbnail else ".jpg"
        return self.root / sha256[:2] / f"{sha256}{suffix}"

    def chart_path(self, sha256: str) -> Path:
        """A picture the product drew itself (a tally chart), kept as the PNG it is."""
        return self.path_for(sha256).with_suffix(".png")

    def save_chart(self, png: bytes) -> str:
        """Store a drawn PNG under its content hash; nothing to validate or strip: we made
        it. Blocking."""
        if not png.startswith(b"\x89PNG\r\n\x1a\n"):
            raise MediaRejected("not_an_image")
        sha256 = hashlib.sha256(png).hexdigest()
        path = self.chart_path(sha256)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary = path.with_suffix(".part")
            temporary.write_bytes(png)
            temporary.replace(path)
        return sha256

    def save(self, data: bytes) -> StoredImage:
        """Validate and store one photo. Blocking: call it from a worker thread."""
        if len(data) > self.limits.max_bytes:
            raise MediaRejected("too_large")
        image = self._decode(data)
        clean = self._reencode(image, max_side=self.limits.max_side, quality=85)
        sha256 = hashlib.sha256(clean).hexdigest()
        final = self.path_for(sha256)
        if not final.exists():
            thumb = self._reencode(image, max_side=max(THUMBNAIL_BOX), quality=75)
            _atomic_write(self.path_for(sha256, thumbnail=True), thumb)
            _atomic_write(final, clean)
        with Image.open(io.BytesIO(clean)) as stored:
            width, height = stored.size
            phash = str(imagehash.dhash(stored))
        return StoredImage(sha256=sha256, width=width, height=height, size_bytes=len(clean),
                           phash=phash)

    def _decode(self, data: bytes) -> Image.Image:
        with warnings.catch_warnings():
            # Pillow warns (not raises) between 1× and 2× MAX_IMAGE_PIXELS: a bomb either way.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            try:
                image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
                if image.width * image.height > self.limits.max_pixels:
                    raise MediaRejected("too_many_pixels")
                image.load()
            except MediaRejected:
                raise
            except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
                raise MediaRejected("too_many_pixels") from exc
            except Exception as exc:  # Pillow raises many types for hostile input
                raise MediaRejected("not_an_image") from exc
        if image.format not in ALLOWED_FORMATS:
            raise MediaRejected("not_an_image")
        return image

    @staticmethod
    def _reencode(image: Image.Image, *, max_side: int, quality: int) -> bytes:
        # exif_transpose applies the camera's rotation before the EXIF block is dropped.
        upright = ImageOps.exif_transpose(image)
        rgb = upright.convert("RGB")
        rgb.thumbnail((max_side, max_side))
        # A fresh image carries pixels only: no EXIF, GPS, ICC, XMP or text chunks.
        bare = Image.new("RGB", rgb.size)
        bare.paste(rgb)
        out = io.BytesIO()
        bare.save(out, format="JPEG", quality=quality, optimize=True)
        return out.getvalue()


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)

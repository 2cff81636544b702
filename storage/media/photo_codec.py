"""Turning a sent photo into what we keep: sniff, cap, decode within a memory budget,
re-encode without metadata, thumbnail, perceptual hash. Pure CPU, blocking: callers run
it in a worker thread (MediaStore.prepare does).

Rules from DESIGN.md §5: only JPEG/PNG/WebP judged by their bytes, byte and pixel caps
(checked on the header, before any pixel is decoded), decompression-bomb warnings as
errors, no metadata kept (GPS included)."""

import hashlib
import io
import math
import threading
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PIL import Image

from storage.media.difference_hash import difference_hash

ALLOWED_FORMATS = frozenset({"JPEG", "PNG", "WEBP"})
# Many phone cameras write MPO: a JPEG with a depth map or preview after it. Pillow reads
# it as its own format; its first image is the photo, and only that one is kept.
_JPEG_FAMILY = frozenset({"JPEG", "MPO"})
THUMBNAIL_BOX = (320, 320)
# Pillow keeps 4 bytes per pixel for RGB and RGBA alike.
BYTES_PER_PIXEL = 4
_STRIP_ROWS = 64
_ORIENTATION = 0x0112
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180,
            4: Image.Transpose.FLIP_TOP_BOTTOM, 5: Image.Transpose.TRANSPOSE,
            6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}


class MediaRejected(Exception):
    """The file is not an acceptable photo; `reason` names the message to show."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class MediaLimits:
    max_bytes: int = 15 * 1024 * 1024
    max_pixels: int = 40_000_000
    max_side: int = 2560
    # Pixels decoded at once across all decoding threads (4 bytes each, plus about 35 MB
    # of scaling per photo): a second large photo waits for the first instead of doubling
    # the memory; small ones overlap. 40 million: 12 huge photos at once peaked at 458 MB
    # on a process idling at 250 MB.
    decode_budget_pixels: int = 40_000_000


@dataclass(frozen=True)
class PreparedPhoto:
    """A photo decoded, checked and re-encoded, ready to be kept: bytes only."""

    sha256: str
    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    # dHash, 64 bits as hex: the same scene re-photographed, re-encoded or resized lands
    # a few bits away; duplicates are found by it.
    phash: str


class PixelBudget:
    """Shared by the threads that decode: each holds its photo's pixel count (read from
    the header) while it works. One photo larger than the whole budget still goes, alone."""

    def __init__(self, pixels: int) -> None:
        self.pixels = pixels
        self._used = 0
        self._changed = threading.Condition()

    @contextmanager
    def hold(self, pixels: int) -> Iterator[None]:
        with self._changed:
            self._changed.wait_for(lambda: self._used == 0
                                   or self._used + pixels <= self.pixels)
            self._used += pixels
        try:
            yield
        finally:
            with self._changed:
                self._used -= pixels
                self._changed.notify_all()


def prepare(data: bytes, limits: MediaLimits, budget: PixelBudget | None = None) -> PreparedPhoto:
    """Validate and re-encode one photo. Blocking; raises MediaRejected."""
    if len(data) > limits.max_bytes:
        raise MediaRejected("too_large")
    image = _open(data, limits)
    with budget.hold(image.width * image.height) if budget else _nothing():
        try:
            upright = _downscaled_upright(image, limits.max_side)
        finally:
            image.close()
        clean = _jpeg(upright, quality=85)
        upright.thumbnail(THUMBNAIL_BOX)
        thumb = _jpeg(upright, quality=75)
    with Image.open(io.BytesIO(clean)) as stored:
        width, height = stored.size
        phash = difference_hash(stored)
    return PreparedPhoto(sha256=hashlib.sha256(clean).hexdigest(), jpeg=clean,
                         thumbnail=thumb, width=width, height=height, phash=phash)


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _open(data: bytes, limits: MediaLimits) -> Image.Image:
    """The header only: format and size are known, no pixel is decoded yet."""
    with warnings.catch_warnings():
        # Pillow warns (not raises) between 1× and 2× MAX_IMAGE_PIXELS: a bomb either way.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS))
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaRejected("too_many_pixels") from exc
        except Exception as exc:  # Pillow raises many types for hostile input
            raise MediaRejected("not_an_image") from exc
    if image.format not in ALLOWED_FORMATS | _JPEG_FAMILY:
        raise MediaRejected("not_an_image")
    if image.width * image.height > limits.max_pixels:
        raise MediaRejected("too_many_pixels")
    return image


def _downscaled_upright(image: Image.Image, max_side: int) -> Image.Image:
    """Decode, scale to fit max_side, then turn upright: scaling first keeps one
    full-size copy in memory, and a square box makes the two steps commute."""
    orientation = image.getexif().get(_ORIENTATION)
    if image.format in _JPEG_FAMILY:
        image.draft("RGB", (max_side, max_side))  # decode at a reduced scale where it can
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image.load()
            rgb = _fit(image, max_side)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise MediaRejected("too_many_pixels") from exc
        except Exception as exc:
            raise MediaRejected("not_an_image") from exc
    method = _UPRIGHT.get(orientation) if isinstance(orientation, int) else None
    return rgb.transpose(method) if method is not None else rgb


def _fit(image: Image.Image, max_side: int) -> Image.Image:
    """The decoded image as RGB within max_side, scaled a strip of rows at a time: a
    whole-image resize (or an RGB copy of a palette image) would hold a second large
    copy beside the decoded one. Each strip takes the source rows the bicubic filter
    reaches, so the result is the same as one resize."""
    width, height = image.size
    if max(width, height) <= max_side:
        return image.convert("RGB")
    scale = max_side / max(width, height)
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    ratio = height / size[1]
    margin = math.ceil(2 * ratio) + 2  # bicubic reaches two output pixels each way
    out = Image.new("RGB", size)
    for top in range(0, size[1], _STRIP_ROWS):
        bottom = min(size[1], top + _STRIP_ROWS)
        first, last = top * ratio, bottom * ratio
        crop_top = max(0, math.floor(first) - margin)
        crop_bottom = min(height, math.ceil(last) + margin)
        piece = image.crop((0, crop_top, width, crop_bottom))
        piece = piece if piece.mode == "RGB" else piece.convert("RGB")
        out.paste(piece.resize((size[0], bottom - top), Image.Resampling.BICUBIC,
                               box=(0, first - crop_top, width, last - crop_top)), (0, top))
    return out


def _jpeg(image: Image.Image, *, quality: int) -> bytes:
    # A fresh image carries pixels only: no EXIF, GPS, ICC, XMP or text chunks.
    bare = Image.new("RGB", image.size)
    bare.paste(image)
    out = io.BytesIO()
    bare.save(out, format="JPEG", quality=quality, optimize=True)
    return out.getvalue()

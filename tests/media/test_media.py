"""The photo pipeline keeps pixels only, and refuses what is not a photo."""

import hashlib
import io
import struct
import zlib

import pytest
from PIL import Image

from storage.media.store import MediaLimits, MediaRejected, MediaStore
from tests.support.images import gif, gps_exif, jpeg, mpo, png, webp


@pytest.fixture
def store(tmp_path):
    return MediaStore(tmp_path / "media")


@pytest.mark.parametrize("make", [jpeg, png, webp])
def test_jpeg_png_webp_are_stored_under_their_content_hash(store, make):
    stored = store.save(make())
    kept = store.read(stored.sha256)
    assert hashlib.sha256(kept).hexdigest() == stored.sha256
    thumb = Image.open(io.BytesIO(store.read(stored.sha256, "thumbnail")))
    assert max(thumb.size) <= 320


def test_a_phone_cameras_mpo_photo_is_kept_as_its_first_image(store):
    original = mpo(64, 48, (30, 160, 60))
    assert Image.open(io.BytesIO(original)).format == "MPO"  # what the camera wrote
    stored = store.save(original)
    kept = Image.open(io.BytesIO(store.read(stored.sha256)))
    assert kept.format == "JPEG" and getattr(kept, "n_frames", 1) == 1
    assert (stored.width, stored.height) == (64, 48)
    red, green, blue = kept.convert("RGB").getpixel((32, 24))
    assert green > 120 and red < 80 and blue < 100  # the photo, not the dark preview


def test_gps_and_all_metadata_are_removed(store):
    original = jpeg(exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the input has GPS
    stored = store.save(original)
    kept = Image.open(io.BytesIO(store.read(stored.sha256)))
    assert not kept.getexif()
    assert not kept.info.get("exif") and not kept.info.get("icc_profile")
    assert b"CameraMaker" not in store.read(stored.sha256)


def test_a_phone_photo_taken_sideways_is_kept_upright(store):
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to view"
    stored = store.save(jpeg(60, 40, exif=exif.tobytes()))
    assert (stored.width, stored.height) == (40, 60)
    assert not Image.open(io.BytesIO(store.read(stored.sha256))).getexif()


def test_the_type_is_judged_by_content_not_name(store):
    with pytest.raises(MediaRejected) as refused:
        store.save(gif())
    assert refused.value.reason == "not_an_image"
    with pytest.raises(MediaRejected):
        store.save(b"%PDF-1.7 pretending to be photo.jpg")


def test_byte_cap(tmp_path):
    small = MediaStore(tmp_path, MediaLimits(max_bytes=500))
    with pytest.raises(MediaRejected) as refused:
        small.save(jpeg(400, 400))
    assert refused.value.reason == "too_large"


def test_pixel_cap(tmp_path):
    capped = MediaStore(tmp_path, MediaLimits(max_pixels=50 * 50))
    with pytest.raises(MediaRejected) as refused:
        capped.save(png(60, 60))
    assert refused.value.reason == "too_many_pixels"


def _png_header_only(width: int, height: int) -> bytes:
    """A tiny PNG that claims huge dimensions: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def test_decompression_bomb_is_refused(store):
    with pytest.raises(MediaRejected) as refused:
        store.save(_png_header_only(30000, 30000))
    assert refused.value.reason == "too_many_pixels"


def test_truncated_file_is_refused(store):
    with pytest.raises(MediaRejected):
        store.save(jpeg(200, 200)[:300])


def test_large_photos_are_scaled_down(store):
    stored = store.save(jpeg(4000, 3000))
    assert max(stored.width, stored.height) == 2560


def test_names_cannot_escape_the_store(store):
    with pytest.raises(ValueError):
        store.read("../../etc/passwd".ljust(64, "a"))


def test_nothing_stored_reads_as_none(store):
    assert store.read("a" * 64) is None
    assert store.read("a" * 64, "chart") is None


@pytest.mark.parametrize("mode", ["RGB", "P", "L", "RGBA"])
def test_scaling_a_strip_at_a_time_looks_like_one_resize(mode):
    """Big photos are scaled strip by strip to keep one full-size copy in memory; the
    picture is the one a whole-image resize gives (off by at most one level)."""
    from PIL import ImageChops

    from storage.media.photo_codec import _fit

    noise = Image.effect_noise((1500, 1100), 60)
    source = Image.merge("RGB", (noise, Image.linear_gradient("L").resize((1500, 1100)),
                                 noise.transpose(Image.Transpose.FLIP_LEFT_RIGHT))).convert(mode)
    scaled = _fit(source, 700)
    whole = source.convert("RGB").resize(scaled.size, Image.Resampling.BICUBIC)
    assert scaled.size == (700, 513)
    assert all(high <= 1 for _, high in ImageChops.difference(scaled, whole).getextrema())

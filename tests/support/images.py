"""Real image bytes for tests, made with Pillow."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter


def jpeg(width: int = 64, height: int = 48, color: tuple[int, int, int] = (200, 40, 40),
         *, exif: bytes | None = None) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), color)
    if exif is not None:
        image.save(out, format="JPEG", exif=exif)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def png(width: int = 40, height: int = 40, color: tuple[int, int, int] = (10, 120, 200)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


def webp(width: int = 30, height: int = 30) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (0, 160, 60)).save(out, format="WEBP")
    return out.getvalue()


def gif() -> bytes:
    out = io.BytesIO()
    Image.new("P", (10, 10)).save(out, format="GIF")
    return out.getvalue()


def gps_exif() -> bytes:
    exif = Image.Exif()
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (21.0, 2.0, 3.0)
    gps[3] = "E"
    gps[4] = (105.0, 50.0, 1.0)
    exif[0x010F] = "CameraMaker"
    return exif.tobytes()


def mpo(width: int = 64, height: int = 48, color: tuple[int, int, int] = (30, 160, 60)) -> bytes:
    """A phone camera's MPO: the photo, then a second image (a depth map or preview)."""
    out = io.BytesIO()
    photo = Image.new("RGB", (width, height), color)
    preview = Image.new("RGB", (width // 2, height // 2), (0, 0, 0))
    photo.save(out, format="MPO", save_all=True, append_images=[preview])
    return out.getvalue()


def street_scene(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    """A picture with structure (perceptual hashes of flat colours all look alike)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (200, 200, 200))
    draw = ImageDraw.Draw(image)
    for _ in range(40):
        x, y = rng.randrange(size[0]), rng.randrange(size[1])
        draw.rectangle((x, y, x + rng.randrange(40, 200), y + rng.randrange(40, 200)),
                       fill=tuple(rng.randrange(256) for _ in range(3)))
    return image


def street_photo(seed: int, size: tuple[int, int] = (640, 480)) -> bytes:
    out = io.BytesIO()
    street_scene(seed, size).save(out, "JPEG", quality=90)
    return out.getvalue()


def phone_photo(width: int = 4032, height: int = 3024, *, exif: bytes | None = None) -> bytes:
    """A 12-megapixel camera photo of about 3.5 MB: fine grain over smooth light, which
    compresses about as badly as a street scene."""
    grain = Image.effect_noise((width, height), 64).filter(ImageFilter.GaussianBlur(1.0))
    light = Image.linear_gradient("L").resize((width, height))
    image = Image.merge("RGB", (grain, light, Image.blend(grain, light, 0.5)))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=93, **({"exif": exif} if exif else {}))
    return out.getvalue()

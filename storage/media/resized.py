"""A stored photo made smaller for a public page: phones on slow links get a picture of
the width they show, not the 2,560 px kept as evidence. The stored photo is already
re-encoded without its metadata (photo_codec), and so is this."""

import io

from PIL import Image

PAGE_SIDE = 960  # a story's picture: twice a 412 px phone, for sharp screens


def resized_jpeg(data: bytes, max_side: int = PAGE_SIDE) -> bytes:
    """Blocking (run it in a thread): the JPEG within max_side, no EXIF, progressive."""
    with Image.open(io.BytesIO(data)) as image:
        rgb = image.convert("RGB")
    rgb.thumbnail((max_side, max_side))
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=80, optimize=True, progressive=True)
    return out.getvalue()

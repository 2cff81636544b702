"""Twelve residents send a 6,300 × 6,300 PNG each, at the same moment, to one running
process: every photo is taken, and the process stays under 500 MB of resident memory
(it peaked at 913 MB when every photo was decoded at once, at full size, twice)."""

import asyncio
import io

import psutil
import pytest
from PIL import Image

from tests.media.web_visitor import WebVisitor
from tests.support.process import start_bot

pytestmark = [pytest.mark.process, pytest.mark.timeout(600)]

SIDE = 6300
RESIDENTS = 12
LIMIT_MB = 500


def huge_pngs(count: int) -> list[bytes]:
    """Distinct photos of 39.7 million pixels (under the 40 million cap) that compress to
    well under the 15 MB byte cap, as a large screenshot or scan does."""
    gradient = Image.linear_gradient("L").resize((SIDE, SIDE))
    image = Image.merge("RGB", (gradient, gradient.transpose(Image.Transpose.ROTATE_90),
                                Image.new("L", (SIDE, SIDE), 90)))
    photos = []
    for index in range(count):
        image.paste((index * 20, 0, 0), (0, 0, 64, 64))
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=1)
        photos.append(out.getvalue())
    return photos


def peak_mb(pid: int) -> float:
    """VmHWM: the most resident memory the process ever had."""
    with open(f"/proc/{pid}/status") as status:
        line = next(line for line in status if line.startswith("VmHWM:"))
    return int(line.split()[1]) / 1024


async def test_twelve_huge_photos_at_once_stay_under_500_mb(tmp_path):
    photos = huge_pngs(RESIDENTS)
    assert all(len(photo) < 15 * 1024 * 1024 for photo in photos)
    bot = await start_bot(tmp_path)
    visitors = [WebVisitor.at(bot.base_url) for _ in range(RESIDENTS)]
    try:
        for visitor in visitors:
            await visitor.up_to_the_photos()
        before = peak_mb(bot.process.pid)
        idle = psutil.Process(bot.process.pid).memory_info().rss / 2**20
        answers = await asyncio.gather(*(visitor.photo(photo)
                                         for visitor, photo in zip(visitors, photos, strict=True)))
        peak = peak_mb(bot.process.pid)
        now = psutil.Process(bot.process.pid).memory_info().rss / 2**20
        print(f"\nresident memory: {idle:.0f} MB idle, {before:.0f} MB peak before the photos, "
              f"{peak:.0f} MB peak with them, {now:.0f} MB after")
        for answer in answers:
            assert "Đã nhận 1 ảnh (tối đa 10 ảnh)" in "\n".join(reply["text"] for reply in answer)
        stored = list((tmp_path / "media").rglob("*.thumb.jpg"))
        assert len(stored) == RESIDENTS  # twelve different photos, each decoded and kept
        assert peak < LIMIT_MB
    finally:
        for visitor in visitors:
            await visitor.close()
        await bot.stop()

"""The ward's IT contractor backs up with deploy/backup.sh, loses the server's database
and photos, and puts them back with deploy/restore.sh: the resident still finds her
nomination under /my, and staff still see its photo, byte for byte."""

import asyncio
import os
import shutil
from pathlib import Path

import asyncpg
import httpx
import pytest

from tests.media.web_visitor import WebVisitor
from tests.support.databases import POSTGRES_ADMIN_URL
from tests.support.images import jpeg
from tests.support.process import set_password, signed_in, start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres, pytest.mark.timeout(300)]
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
PASSWORD = "mật-khẩu-đủ-dài-2026"


async def script(name: str, *args: str | Path, env: dict[str, str]) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        "bash", DEPLOY / name, *map(str, args), env=os.environ | env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    assert process.returncode is not None
    return process.returncode, output.decode()


async def wipe(database_url: str) -> None:
    """The disk is gone: the database comes back empty, as a new `createdb` makes it."""
    name = database_url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(POSTGRES_ADMIN_URL)
    try:
        await admin.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()


async def staff_view(base_url: str, reference: str) -> tuple[str, bytes]:
    """The nomination's console page and the bytes of the first photo it shows."""
    staff = await signed_in(base_url, "admin", PASSWORD)
    try:
        page = await staff.get(f"/console/nominations/{reference}")
        assert page.status_code == 200, page.text
        photo_path = page.text.split('src="/console/photos/')[1].split('"')[0].split("?")[0]
        photo = await staff.get(f"/console/photos/{photo_path}")
        assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg"
        return page.text, photo.content
    finally:
        await staff.aclose()


async def test_backup_wipe_restore_brings_the_nominations_and_photos_back(
        tmp_path: Path, fresh_postgres: str) -> None:
    ward, backups = tmp_path / "ward", tmp_path / "backups"
    ward.mkdir()
    media = ward / "media"
    settings = {"DATABASE_URL": fresh_postgres, "MEDIA_DIR": str(media)}

    bot = await start_bot(ward, **settings)
    hoa = WebVisitor.at(bot.base_url)
    try:
        await hoa.up_to_the_photos()
        await hoa.photo(jpeg(1600, 1200, color=(180, 30, 30)), name="anh.jpg")
        reference = await hoa.send_as_the_proposer()
        await set_password(ward, fresh_postgres, "admin", PASSWORD)
        _, photo_before = await staff_view(bot.base_url, reference)
    finally:
        await bot.stop()

    code, output = await script("backup.sh", backups, env=settings)
    assert code == 0, output
    [folder] = backups.glob("ntvt-*")
    assert folder.name == output.strip().splitlines()[-1].rsplit("/", 1)[1]
    assert {p.name for p in folder.iterdir()} == {"database.dump", "media.tar.gz", "SHA256SUMS"}
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700), "backups hold personal data"

    await wipe(fresh_postgres)
    shutil.rmtree(media)

    code, output = await script("restore.sh", folder, env=settings)
    assert code == 0, output

    bot = await start_bot(ward, **settings)
    try:
        hoa.client.base_url = httpx.URL(bot.base_url)
        await hoa.say("/my")
        assert reference in hoa.text(), hoa.text()
        page_after, photo_after = await staff_view(bot.base_url, reference)
        assert photo_after == photo_before
        assert "Nguyễn Văn Tuấn" in page_after and "Trần Thị Hoa" in page_after
    finally:
        await hoa.close()
        await bot.stop()
    assert bot.process.returncode == 0, bot.log.read_text()

    # Restoring over the live database by mistake is refused, with a line saying why.
    code, output = await script("restore.sh", folder, env=settings)
    assert code == 2 and "--replace" in output, output
    # A damaged backup is refused before anything is touched.
    with (folder / "database.dump").open("r+b") as dump:
        dump.seek(100)
        dump.write(b"\0\0\0\0")
    code, output = await script("restore.sh", folder, "--replace", env=settings)
    assert code == 2 and "SHA256SUMS" in output, output

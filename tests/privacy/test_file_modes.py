"""The files that hold personal data are the service user's alone, whatever the umask:
the SQLite database (and its -wal and -shm), every photo and the folders they sit in,
and each backup."""

import asyncio
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.media.blobs import FolderBlobs
from storage.media.store import MediaStore, key_for
from storage.migrate import upgrade
from storage.shared.db import make_engine
from tests.support.images import jpeg

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def lax_umask():
    """The usual 022, under which an unguarded file comes out readable by everyone."""
    before = os.umask(0o022)
    yield
    os.umask(before)


async def test_the_sqlite_database_is_the_owners_alone(tmp_path, lax_umask):
    path = tmp_path / "ntvt.db"
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine)
        async with engine.connect() as connection:  # while open: -wal and -shm exist
            await connection.execute(text("SELECT count(*) FROM unit"))
            for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                assert mode(each) == 0o600, each
    finally:
        await engine.dispose()


async def test_a_database_left_readable_by_an_older_version_is_tightened(tmp_path,
                                                                         lax_umask):
    path = tmp_path / "ntvt.db"
    path.touch(mode=0o644)
    engine = make_engine(f"sqlite+aiosqlite:///{path}")
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()
    assert mode(path) == 0o600


def test_photos_and_their_folders_are_the_owners_alone(tmp_path, lax_umask):
    root = tmp_path / "srv" / "media"  # not there yet: made by the first photo
    media = MediaStore(FolderBlobs(root))
    stored = media.save(jpeg())
    photo = root / key_for(stored.sha256)
    thumbnail = root / key_for(stored.sha256, "thumbnail")
    assert mode(photo) == mode(thumbnail) == 0o600
    assert mode(photo.parent) == mode(root) == 0o700
    assert not list(root.rglob("*.tmp"))


@pytest.mark.postgres
async def test_a_backup_is_the_owners_alone(tmp_path, postgres_url, lax_umask):
    media = tmp_path / "media"
    MediaStore(FolderBlobs(media)).save(jpeg())
    backups = tmp_path / "backups"
    backups.mkdir(mode=0o755)
    process = await asyncio.create_subprocess_exec(
        "bash", DEPLOY / "backup.sh", str(backups), env=os.environ | {
            "DATABASE_URL": postgres_url, "MEDIA_DIR": str(media)},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate()
    assert process.returncode == 0, output.decode()
    [folder] = backups.glob("ntvt-*")
    assert mode(folder) == 0o700
    assert {each.name: mode(each) for each in folder.iterdir()} == {
        "database.dump": 0o600, "media.tar.gz": 0o600, "SHA256SUMS": 0o600}

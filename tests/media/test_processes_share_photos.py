"""Two processes on one PostgreSQL database, each with its own (empty) local folder and
MEDIA_STORE=s3 on a loopback S3-compatible server: a photo a resident sends to one is
shown by the other's console and served by the other's signed (Zalo) links."""

import io

import httpx
import pytest
from PIL import Image
from sqlmodel import select

from storage.models import Nomination, Photo
from storage.shared.db import make_engine, make_session_factory
from tests.media.web_visitor import WebVisitor
from tests.support.databases import drop_postgres, postgres_or_skip
from tests.support.images import jpeg
from tests.support.process import set_password, signed_in, start_bot
from web.media_links import MediaLinks

pytestmark = [pytest.mark.process, pytest.mark.postgres, pytest.mark.timeout(300)]

SECRET = "khoa-ky-lien-ket-dung-chung-2026"
PASSWORD = "mật-khẩu-đủ-dài-2026"


@pytest.fixture
def fresh_postgres():
    url = postgres_or_skip()
    yield url
    drop_postgres(url)


async def photos_of(database_url: str) -> list[Photo]:
    engine = make_engine(database_url)
    try:
        async with make_session_factory(engine)() as session:
            return list((await session.exec(select(Photo).order_by(Photo.id))).all())
    finally:
        await engine.dispose()


async def test_a_photo_sent_to_one_process_is_served_by_the_other(
        fresh_postgres, bucket, tmp_path):
    settings = {"DATABASE_URL": fresh_postgres, "SECRET_KEY": SECRET, "MEDIA_STORE": "s3",
                "MEDIA_S3_BUCKET": bucket.bucket, "MEDIA_S3_ENDPOINT_URL": bucket.endpoint_url,
                "MEDIA_S3_REGION": bucket.region, "MEDIA_S3_ACCESS_KEY": "test-key",
                "MEDIA_S3_SECRET_KEY": "test-secret"}
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await start_bot(tmp_path / "a", **settings)
    second = await start_bot(tmp_path / "b", **settings)
    hoa = WebVisitor.at(first.base_url)
    lan = WebVisitor.at(second.base_url)
    staff: httpx.AsyncClient | None = None
    try:
        # Hoa proposes through the first process, with a photo.
        await hoa.up_to_the_photos()
        await hoa.photo(jpeg(1600, 1200, color=(180, 30, 30)), name="anh.jpg")
        assert "Đã nhận 1 ảnh (tối đa 10 ảnh)" in hoa.text()
        await hoa.send_as_the_proposer()
        # Lan sends a photo through the second process.
        await lan.up_to_the_photos()
        await lan.photo(jpeg(900, 1200, color=(30, 30, 180)), name="anh.jpg")
        assert "Đã nhận 1 ảnh (tối đa 10 ảnh)" in lan.text()

        hoas, lans = await photos_of(fresh_postgres)
        assert hoas.nomination_id is not None and lans.nomination_id is None

        # The second process's console shows Hoa's photo and its thumbnail.
        await set_password(tmp_path, fresh_postgres, "admin", PASSWORD)
        staff = await signed_in(second.base_url, "admin", PASSWORD)
        shown = await staff.get(f"/console/photos/{hoas.id}")
        assert shown.status_code == 200 and shown.headers["content-type"] == "image/jpeg"
        assert Image.open(io.BytesIO(shown.content)).size == (1600, 1200)
        thumb = await staff.get(f"/console/photos/{hoas.id}", params={"thumb": "true"})
        assert Image.open(io.BytesIO(thumb.content)).size == (320, 240)
        page = await staff.get(f"/console/nominations/{(await reference(fresh_postgres))}")
        assert f"/console/photos/{hoas.id}" in page.text

        # Signed links made by either process are served by the other.
        async with httpx.AsyncClient(timeout=60) as zalo:
            for photo, server, size in ((hoas, second, (1600, 1200)),
                                        (lans, first, (900, 1200))):
                url = MediaLinks(SECRET.encode(), server.base_url).url_for(photo.sha256)
                served = await zalo.get(url)
                assert served.status_code == 200, url
                assert Image.open(io.BytesIO(served.content)).size == size
                forged = await zalo.get(url.replace("&s=", "&s=0"))
                assert forged.status_code == 404

        # Nothing was kept on either machine's disk.
        for workdir in (tmp_path / "a", tmp_path / "b"):
            assert not [p for p in (workdir / "media").rglob("*") if p.is_file()]
    finally:
        for client in (hoa, lan):
            await client.close()
        if staff is not None:
            await staff.aclose()
        await first.stop()
        await second.stop()


async def reference(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        async with make_session_factory(engine)() as session:
            return (await session.exec(select(Nomination.reference))).one()
    finally:
        await engine.dispose()

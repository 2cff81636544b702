"""Photos kept by one media store on an S3-compatible bucket are read by any other: the
same bytes, the same names as the local folder, nothing left half-written."""

import io

import pytest
from PIL import Image
from pydantic import ValidationError

from bot.media_setup import media_store
from bot.settings import Settings
from storage.media.s3_blobs import S3Blobs
from storage.media.store import MediaStore, key_for
from tests.media.conftest import keys_in
from tests.support.images import jpeg, png

pytestmark = pytest.mark.timeout(60)


async def test_a_photo_kept_by_one_store_is_read_by_another(bucket):
    receiving = MediaStore(S3Blobs(bucket))
    serving = MediaStore(S3Blobs(bucket))  # another process, another machine

    stored = await receiving.keep(await receiving.prepare(jpeg(1200, 900)))

    photo = await serving.fetch(stored.sha256)
    assert photo is not None and len(photo) == stored.size_bytes
    assert Image.open(io.BytesIO(photo)).size == (1200, 900)
    thumbnail = await serving.fetch(stored.sha256, "thumbnail")
    assert thumbnail is not None and max(Image.open(io.BytesIO(thumbnail)).size) == 320
    assert keys_in(bucket) == sorted([key_for(stored.sha256),
                                      key_for(stored.sha256, "thumbnail")])


async def test_a_chart_keeps_its_png_and_a_missing_name_reads_as_nothing(bucket):
    store = MediaStore(S3Blobs(bucket))
    drawn = png(200, 100)
    sha = await store.store_chart(drawn)
    assert await MediaStore(S3Blobs(bucket)).fetch(sha, "chart") == drawn
    assert await store.fetch(sha) is None  # a chart is not a photo
    assert await store.fetch("0" * 64, "thumbnail") is None


async def test_the_same_photo_twice_is_one_object(bucket):
    store = MediaStore(S3Blobs(bucket))
    first = store.save(jpeg(300, 200))
    again = store.save(jpeg(300, 200))
    assert first == again
    assert len(keys_in(bucket)) == 2  # the photo and its thumbnail, once


def test_the_settings_build_a_store_on_the_bucket(bucket, tmp_path):
    settings = Settings(_env_file=None, media_store="s3", media_dir=tmp_path / "unused",
                        media_s3_bucket=bucket.bucket, media_s3_endpoint_url=bucket.endpoint_url,
                        media_s3_region=bucket.region, media_s3_access_key="test-key",
                        media_s3_secret_key="test-secret", media_s3_prefix="ntvt/")
    store = media_store(settings)
    stored = store.save(png(64, 64))
    assert keys_in(bucket) == sorted([f"ntvt/{key_for(stored.sha256)}",
                                      f"ntvt/{key_for(stored.sha256, 'thumbnail')}"])
    assert not (tmp_path / "unused").exists()  # nothing on the local disk


def test_s3_without_a_bucket_is_refused_at_start():
    with pytest.raises(ValidationError, match="MEDIA_S3_BUCKET"):
        Settings(_env_file=None, media_store="s3")


def test_the_local_folder_stays_the_default(tmp_path):
    store = media_store(Settings(_env_file=None, media_dir=tmp_path / "media"))
    stored = store.save(jpeg())
    assert (tmp_path / "media" / key_for(stored.sha256)).read_bytes() == store.read(stored.sha256)

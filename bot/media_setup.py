"""The media store the settings ask for: a local folder, or an S3-compatible bucket."""

from bot.settings import Settings
from storage.media.blobs import Blobs, FolderBlobs
from storage.media.store import MediaStore


def media_store(settings: Settings) -> MediaStore:
    blobs: Blobs = FolderBlobs(settings.media_dir)
    if settings.media_store == "s3":
        # Imported only here: boto3 costs about 20 MB of memory a local store never needs.
        from storage.media.s3_blobs import S3Blobs, S3Location

        assert settings.media_s3_bucket is not None  # checked by Settings
        access, secret = settings.media_s3_access_key, settings.media_s3_secret_key
        blobs = S3Blobs(S3Location(
            bucket=settings.media_s3_bucket, endpoint_url=settings.media_s3_endpoint_url,
            region=settings.media_s3_region,
            access_key=access.get_secret_value() if access else None,
            secret_key=secret.get_secret_value() if secret else None,
            prefix=settings.media_s3_prefix, addressing=settings.media_s3_addressing))
    return MediaStore(blobs)

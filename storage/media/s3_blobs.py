"""MEDIA_STORE=s3: pictures in an S3-compatible bucket (MinIO, the object storage of
Vietnamese clouds, AWS), so a photo received by one process is served by any other.
boto3 is blocking; MediaStore calls it from its own worker threads."""

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

_MISSING = frozenset({"404", "NoSuchKey", "NotFound"})


@dataclass(frozen=True)
class S3Location:
    bucket: str
    endpoint_url: str | None = None  # None: AWS itself
    region: str = "us-east-1"
    access_key: str | None = None  # None: boto3's usual sources (environment, instance role)
    secret_key: str | None = None
    prefix: str = ""
    # "path" (bucket in the path) suits MinIO and most S3-compatible services.
    addressing: Literal["path", "virtual"] = "path"


class S3Blobs:
    def __init__(self, location: S3Location, *, connections: int = 10) -> None:
        self.location = location
        self._prefix = location.prefix.strip("/") + "/" if location.prefix.strip("/") else ""
        config = Config(
            region_name=location.region, max_pool_connections=connections,
            connect_timeout=5, read_timeout=30,
            retries={"mode": "standard", "max_attempts": 4},
            s3={"addressing_style": location.addressing},
            # Newer boto3 adds CRC checksums that several S3-compatible services refuse;
            # only where the API requires them.
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required")
        self._client: S3Client = boto3.session.Session().client(
            "s3", endpoint_url=location.endpoint_url, aws_access_key_id=location.access_key,
            aws_secret_access_key=location.secret_key, config=config)

    def _key(self, key: str) -> str:
        return self._prefix + key

    def get(self, key: str) -> bytes | None:
        try:
            answer = self._client.get_object(Bucket=self.location.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return answer["Body"].read()

    def put(self, key: str, data: bytes, content_type: str) -> None:
        self._client.put_object(Bucket=self.location.bucket, Key=self._key(key), Body=data,
                                ContentType=content_type)

    def exists(self, key: str) -> bool:
        try:
            self._client.head_object(Bucket=self.location.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True

    def delete(self, key: str) -> None:
        # S3 answers a missing key's delete with success too.
        self._client.delete_object(Bucket=self.location.bucket, Key=self._key(key))

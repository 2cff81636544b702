"""An S3-compatible server on loopback (moto in server mode), started by the tests: the
media store's S3 path is exercised for real, and nothing reaches a cloud."""

import uuid
from collections.abc import Iterator

import boto3
import pytest
from moto.server import ThreadedMotoServer

from storage.media.s3_blobs import S3Location

REGION = "ap-southeast-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(s3_endpoint: str) -> S3Location:
    """A new, empty bucket on the loopback server."""
    location = S3Location(bucket=f"ntvt-{uuid.uuid4().hex[:12]}", endpoint_url=s3_endpoint,
                          region=REGION, access_key="test-key", secret_key="test-secret")
    boto3.client("s3", endpoint_url=s3_endpoint, region_name=REGION,
                 aws_access_key_id="test-key", aws_secret_access_key="test-secret",
                 ).create_bucket(Bucket=location.bucket,
                                 CreateBucketConfiguration={"LocationConstraint": REGION})
    return location


def keys_in(location: S3Location) -> list[str]:
    client = boto3.client("s3", endpoint_url=location.endpoint_url, region_name=REGION,
                          aws_access_key_id="test-key", aws_secret_access_key="test-secret")
    listed = client.list_objects_v2(Bucket=location.bucket)
    return sorted(item["Key"] for item in listed.get("Contents", []))

"""Where stored pictures' bytes live, behind three blocking calls: a folder on this machine
(one process, the default) or an S3-compatible bucket (storage/media/s3_blobs.py, shared by
every process on every machine). Keys are "ab/<sha256>.<suffix>"."""

import os
from pathlib import Path
from typing import Protocol


class Blobs(Protocol):
    """Blocking and thread-safe: MediaStore calls them from its worker threads."""

    def get(self, key: str) -> bytes | None:
        """The bytes under `key`, or None when nothing is stored there."""
        ...

    def put(self, key: str, data: bytes, content_type: str) -> None:
        ...

    def exists(self, key: str) -> bool:
        ...

    def delete(self, key: str) -> None:
        """Gone, whether or not it was there."""
        ...


class FolderBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        # Written aside, then renamed: a reader never sees half a file, and two processes
        # writing the same content-hash name at once both end with the whole file.
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{id(data)}.tmp")
        temporary.write_bytes(data)
        os.replace(temporary, path)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

"""Where stored pictures' bytes live, behind three blocking calls: a folder on this machine
(one process, the default) or an S3-compatible bucket (storage/media/s3_blobs.py, shared by
every process on every machine). Keys are "ab/<sha256>.<suffix>"."""

import contextlib
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


# Photos show residents and their homes: only the service's own user reads them.
FOLDER_MODE = 0o700
FILE_MODE = 0o600


class FolderBlobs:
    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        return self.root / key

    def _folder(self, folder: Path) -> None:
        """`folder` and any missing folder between it and the root made private
        (Path.mkdir gives its mode to the last folder only); above the root, as usual."""
        if folder.is_dir():
            return
        if folder == self.root or not folder.is_relative_to(self.root):
            folder.parent.mkdir(parents=True, exist_ok=True)
        else:
            self._folder(folder.parent)
        with contextlib.suppress(FileExistsError):  # another process made it just now
            folder.mkdir(mode=FOLDER_MODE)

    def get(self, key: str) -> bytes | None:
        try:
            return self._path(key).read_bytes()
        except FileNotFoundError:
            return None

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)
        self._folder(path.parent)
        # Written aside, then renamed: a reader never sees half a file, and two processes
        # writing the same content-hash name at once both end with the whole file. Made
        # with its mode, not chmod-ed after: never readable by others, not for a moment.
        temporary = path.with_name(f"{path.name}.{os.getpid()}.{id(data)}.tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        with os.fdopen(descriptor, "wb") as out:
            out.write(data)
        os.replace(temporary, path)

    def exists(self, key: str) -> bool:
        return self._path(key).exists()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

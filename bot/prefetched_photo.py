"""A photo a platform lets the bot download, fetched before the turn starts so no
download runs while a turn holds the database; a refusal is kept and raised on read."""

from storage.media import MediaRejected


class PrefetchedPhoto:
    _fetched: bytes | MediaRejected | None = None

    async def _download(self, max_bytes: int) -> bytes:
        raise NotImplementedError

    async def prefetch(self, max_bytes: int) -> None:
        try:
            self._fetched = await self._download(max_bytes)
        except MediaRejected as rejected:
            self._fetched = rejected

    async def read(self, max_bytes: int) -> bytes:
        fetched = self._fetched if self._fetched is not None else await self._download(max_bytes)
        if isinstance(fetched, MediaRejected):
            raise fetched
        if len(fetched) > max_bytes:
            raise MediaRejected("too_large")
        return fetched

"""A photo a channel fetches and decodes before the turn starts, so neither the download
nor the decoding runs while a turn holds the database: the turn only keeps the prepared
bytes (MediaStore.keep). A refusal is kept and raised when the turn asks."""

from storage.media.store import MediaRejected, MediaStore, PreparedPhoto


class PrefetchedPhoto:
    _prepared: PreparedPhoto | MediaRejected | None = None

    async def _download(self, max_bytes: int) -> bytes:
        raise NotImplementedError

    async def prefetch(self, media: MediaStore) -> None:
        """Download and decode now (in the media store's worker threads)."""
        async with media.intake:
            try:
                self._prepared = await media.prepare(
                    await self._download(media.limits.max_bytes))
            except MediaRejected as rejected:
                self._prepared = rejected
        # Only the prepared photo is kept while the row waits for its turn: the sent file
        # (up to 15 MB) is let go; read() would fetch it again.

    async def read(self, max_bytes: int) -> bytes:
        if isinstance(self._prepared, MediaRejected):
            raise self._prepared
        fetched = await self._download(max_bytes)
        if len(fetched) > max_bytes:
            raise MediaRejected("too_large")
        return fetched

    async def prepared(self, media: MediaStore) -> PreparedPhoto:
        if self._prepared is None:  # not prefetched: decode now, still off the loop
            self._prepared = await media.prepare(await self.read(media.limits.max_bytes))
        if isinstance(self._prepared, MediaRejected):
            raise self._prepared
        return self._prepared

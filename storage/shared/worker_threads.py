"""A few worker threads of its own for each kind of slow, blocking work (password hashing,
photo decoding, chart drawing, object-store calls), so none of it runs on the event loop
and one kind cannot take every thread from the others."""

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
T = TypeVar("T")


class Lane:
    """At most `limit` calls run at once; the rest queue without blocking the loop.
    Threads start on first use, so building a lane costs nothing."""

    def __init__(self, name: str, limit: int) -> None:
        if limit < 1:
            raise ValueError("a lane needs at least one thread")
        self.name = name
        self.limit = limit
        self._executor = ThreadPoolExecutor(max_workers=limit, thread_name_prefix=name)

    async def run(self, work: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor,
                                          functools.partial(work, *args, **kwargs))

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)

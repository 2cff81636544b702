"""An app served for real by uvicorn inside the test's own event loop: for what the
in-memory ASGI transport cannot do, such as reading a response as it streams."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn

from tests.support.process import free_port


@asynccontextmanager
async def served(app: object) -> AsyncIterator[str]:
    """The base URL of `app` served on a free local port until the block ends."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,  # type: ignore[arg-type]
                                           log_level="warning", log_config=None,
                                           timeout_graceful_shutdown=1))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(200):
            if server.started:
                break
            await asyncio.sleep(0.02)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task

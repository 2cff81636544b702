"""The security headers every response carries, as a plain ASGI middleware.

Starlette's `@app.middleware("http")` (BaseHTTPMiddleware) runs each request through a
task group and memory streams of its own: under the webhook benchmark that wrapper cost
more CPU than the route it wrapped. This one only edits the response's first message.
"""

from collections.abc import Mapping

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class SecurityHeaders:
    """`headers` on every response; a path in `by_path` gets its own set instead (the
    chat page a ward portal may frame)."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str],
                 by_path: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self.app = app
        self.headers = dict(headers)
        self.by_path = {path: dict(own) for path, own in (by_path or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        chosen = self.by_path.get(scope.get("path", ""), self.headers)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in chosen.items():
                    headers.setdefault(name, value)
            await send(message)

        await self.app(scope, receive, send_with_headers)

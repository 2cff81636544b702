"""The security headers every response carries, as a plain ASGI middleware.

Starlette's `@app.middleware("http")` (BaseHTTPMiddleware) runs each request through a
task group and memory streams of its own: under the webhook benchmark that wrapper cost
more CPU than the route it wrapped. This one only edits the response's first message.
"""

from collections.abc import Mapping, Sequence

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Sent over HTTPS only, as RFC 6797 asks (over plain HTTP a browser ignores it): a year,
# renewed by every answer.
HSTS = "max-age=31536000"


class SecurityHeaders:
    """`headers` on every response; a path in `by_path` gets its own set instead (the
    chat page a ward portal may frame). Answers under a `no_store` prefix carry personal
    data (console pages and exports, the chat's answers, signed picture links): no
    browser or proxy keeps a copy, whatever the route said. Over HTTPS, HSTS too."""

    def __init__(self, app: ASGIApp, headers: Mapping[str, str],
                 by_path: Mapping[str, Mapping[str, str]] | None = None,
                 no_store: Sequence[str] = ()) -> None:
        self.app = app
        self.headers = dict(headers)
        self.by_path = {path: dict(own) for path, own in (by_path or {}).items()}
        self.no_store = tuple(no_store)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path = scope.get("path", "")
        chosen = self.by_path.get(path, self.headers)
        private = path.startswith(self.no_store) if self.no_store else False
        https = scope.get("scheme") == "https"  # behind a trusted proxy: as it forwarded

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in chosen.items():
                    headers.setdefault(name, value)
                if private:
                    headers["Cache-Control"] = "no-store"
                if https:
                    headers.setdefault("Strict-Transport-Security", HSTS)
            await send(message)

        await self.app(scope, receive, send_with_headers)

"""A webhook's body, read with limits even when the secret is right.

The secret proves the sender, not the content: a body is capped in bytes before it is
read whole (a missing or lying Content-Length is caught while streaming) and in nesting
depth before anything walks it, and what does not parse is a 400, never a 500.
"""

import json
from typing import Any

from starlette.requests import Request

MAX_BYTES = 1024 * 1024  # Telegram and Zalo updates are a few kilobytes
MAX_DEPTH = 32  # the deepest real update nests about eight levels


class BadBody(Exception):
    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def depth_of(value: Any, limit: int) -> int:
    """How deep `value` nests, counting no further than `limit` + 1."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return depth
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(body: bytes, *, max_depth: int = MAX_DEPTH) -> Any:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested past Python's limit
        raise BadBody(400, "not JSON") from exc
    if depth_of(value, max_depth) > max_depth:
        raise BadBody(400, "nested too deep")
    return value


async def read_json(request: Request, *, max_bytes: int = MAX_BYTES,
                    max_depth: int = MAX_DEPTH) -> Any:
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > max_bytes):
        raise BadBody(413, "body too large")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > max_bytes:
            raise BadBody(413, "body too large")
        chunks.append(chunk)
    return parse_json(b"".join(chunks), max_depth=max_depth)

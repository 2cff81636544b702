"""How the process writes its log: readable lines, or one JSON object a line
(`LOG_FORMAT=json`) for a log collector.

No line may carry a resident's name or phone number (DESIGN.md, personal data): events
name the channel, the inbox row and the outcome, and a chat by a keyed hash of its key,
the same in every process with the same SECRET_KEY, so one person's turns can be followed
without the log saying who they are. Exceptions are written as their type and the
places they passed, not their message, which can quote what a person typed."""

import hashlib
import hmac
import json
import logging
import re
import secrets
import traceback
from datetime import UTC, datetime
from typing import Any

from bot.settings import Settings

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
FIELDS = ("channel", "inbox_id", "outcome", "job")
# Vietnamese numbers as people write them (0912 345 678, +84 912345678): masked, should a
# message ever quote one.
PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.-]?\d){8,10}(?!\d)")


def chat_hash(key: bytes, chat_key: str) -> str:
    return hmac.new(key, chat_key.encode(), hashlib.sha256).hexdigest()[:16]


def error_places(exc_info: Any) -> list[str]:
    """An exception and the ones it came from as their types and the places they passed,
    never their messages (a driver's or a parser's message can quote what a person typed:
    a name, a phone number, a whole update)."""
    lines: list[str] = []
    error: BaseException | None = exc_info[1]
    seen: set[int] = set()
    while error is not None and id(error) not in seen and len(seen) < 8:
        seen.add(id(error))
        lines.append(type(error).__name__)
        lines += [f"  {frame.filename}:{frame.lineno} {frame.name}"
                  for frame in traceback.extract_tb(error.__traceback__)]
        error = error.__cause__ or error.__context__
    return lines


class PlainLines(logging.Formatter):
    """The readable lines (LOG_FORMAT=text), with the JSON lines' care: a phone number in
    a message masked, an error as its types and places."""

    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def formatMessage(self, record: logging.LogRecord) -> str:
        return PHONE.sub("[phone]", super().formatMessage(record))

    def formatException(self, ei: Any) -> str:
        # "Traceback" still: what a reader (or a test) looks for to find a failure.
        return "\n".join(["Traceback (messages left out: they may quote personal data):",
                          *error_places(ei)])


class JsonLines(logging.Formatter):
    def __init__(self, key: bytes) -> None:
        super().__init__()
        self._key = key

    def format(self, record: logging.LogRecord) -> str:
        event: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname, "logger": record.name,
            "event": PHONE.sub("[phone]", record.getMessage())}
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                event[name] = value
        chat_key = getattr(record, "chat_key", None)
        if chat_key is not None:
            event["chat"] = chat_hash(self._key, str(chat_key))
        if record.exc_info and record.exc_info[0] is not None:
            kind, _, trace = record.exc_info
            event["error"] = kind.__name__
            event["trace"] = [f"{frame.filename}:{frame.lineno} {frame.name}"
                              for frame in traceback.extract_tb(trace)]
        return json.dumps(event, ensure_ascii=False)


def configure_logging(settings: Settings) -> None:
    handler = logging.StreamHandler()
    if settings.log_format == "json":
        key = settings.secret_key.get_secret_value().encode() if settings.secret_key \
            else secrets.token_bytes(32)
        handler.setFormatter(JsonLines(key))
    else:
        handler.setFormatter(PlainLines())
    logging.basicConfig(level=settings.log_level, handlers=[handler], force=True)
    logging.captureWarnings(True)  # a library's warning is one more line of the same kind
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)

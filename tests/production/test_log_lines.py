"""A log line as a collector receives it with LOG_FORMAT=json: the event's fields, the chat
as a keyed hash, and nothing a person typed, even inside an error."""

import json
import logging
import sys

from bot.log_format import JsonLines, chat_hash

KEY = b"k" * 32


def record(message: str, *args: object, exc_info: object = None, **extra: object
           ) -> logging.LogRecord:
    made = logging.LogRecord("bot.inbox_worker", logging.WARNING, __file__, 1, message, args,
                             exc_info)  # type: ignore[arg-type]
    made.__dict__.update(extra)
    return made


def test_a_turn_is_one_json_object_with_the_chat_hashed():
    line = JsonLines(KEY).format(record("inbox row %s: turn done", 41, channel="telegram",
                                        chat_key="8123", inbox_id=41, outcome="answered"))
    event = json.loads(line)
    assert event["event"] == "inbox row 41: turn done"
    assert (event["channel"], event["inbox_id"], event["outcome"]) == ("telegram", 41, "answered")
    assert event["chat"] == chat_hash(KEY, "8123") != chat_hash(b"o" * 32, "8123")
    assert "8123" not in line and "\n" not in line


def test_a_phone_number_in_a_message_is_masked():
    event = json.loads(JsonLines(KEY).format(record("gọi %s hoặc %s", "0912 345 678",
                                                    "+84912345678")))
    assert event["event"] == "gọi [phone] hoặc [phone]"


def test_an_error_is_its_type_and_places_not_its_message():
    try:
        raise ValueError("Nguyễn Văn Tuấn, 0987654321")
    except ValueError:
        line = JsonLines(KEY).format(record("inbox row %s failed", 7, exc_info=sys.exc_info()))
    event = json.loads(line)
    assert event["error"] == "ValueError"
    assert any("test_an_error_is_its_type" in place for place in event["trace"])
    assert "Tuấn" not in line and "0987654321" not in line

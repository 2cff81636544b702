"""A Reply as Zalo text messages: Zalo bots have no buttons, so a menu becomes numbered
lines (the core's menu memory takes "2" or the words as the press), and a text over
Zalo's 2,000 characters is split between sentences."""

import re

from handlers.shared.messages import Reply
from handlers.shared.texts import Texts

MAX_CHARS = 2000
_SENTENCE_END = re.compile(r"(?<=[.!?…:])\s+|\n+")


def as_texts(reply: Reply, texts: Texts, locale: str) -> list[str]:
    body = reply.text.strip()
    buttons = reply.all_buttons()
    if buttons:
        menu = "\n".join(f"{number}. {button.label}"
                         for number, button in enumerate(buttons, start=1))
        body = f"{body}\n\n{menu}\n{texts.get(locale, 'zalo.menu_hint')}".strip()
    return split_message(body)


def split_message(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Pieces of at most `limit` characters, cut after a sentence or a line where one
    ends before the limit, else at a space; never inside a word unless it is longer than
    a whole message."""
    pieces: list[str] = []
    rest = text.strip()
    while len(rest) > limit:
        window = rest[:limit + 1]
        cuts = [match.end() for match in _SENTENCE_END.finditer(window) if match.end() <= limit]
        cut = cuts[-1] if cuts else window.rfind(" ") + 1 or limit
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces

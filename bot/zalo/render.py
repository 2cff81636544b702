"""A Reply as Zalo text messages: Zalo bots have no buttons, so a menu becomes numbered
lines (the core reads "2", "số hai" or the line's words as the press), and a text over
Zalo's limit is split between sentences, the menu always in the last message.

Zalo caps a message at 2,000 characters. Counted the strict way, in UTF-16 code units
as JavaScript counts them, an emoji is two; and a piece is kept a margin below, since
how Zalo counts line ends and joined emoji is not written down. A piece over the limit
is refused whole, so the margin is cheaper than a lost message.
"""

import re

from handlers.shared.messages import MENU_AGAIN, Reply
from handlers.shared.texts import Texts

MAX_UNITS = 2000
SAFE_UNITS = 1800
_SENTENCE_END = re.compile(r"(?<=[.!?…:;])\s+|\n+")
CHANNEL = "zalo"


def utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def as_texts(reply: Reply, texts: Texts, locale: str | None = None) -> list[str]:
    """The Zalo messages one reply becomes, in order; the reply's language is the one
    the core wrote it in (`extra["locale"]`), so an English session gets English hints."""
    locale = reply.extra.get("locale") or locale or texts.default_locale
    body = reply.text.strip()
    buttons = reply.all_buttons()
    if not buttons:
        return split_message(body)
    lines = [f"{number}. {button.label}" for number, button in enumerate(buttons, start=1)]
    if not reply.extra.get(MENU_AGAIN):  # a hint that shows the menu again says it already
        lines.append(texts.get(locale, "zalo.menu_hint", channel=CHANNEL))
    menu = "\n".join(lines)
    whole = f"{body}\n\n{menu}".strip()
    if utf16_units(whole) <= SAFE_UNITS:
        return [whole]
    pieces = split_message(body)
    last = f"{pieces[-1]}\n\n{menu}" if pieces else menu
    if utf16_units(last) <= SAFE_UNITS:
        return [*pieces[:-1], last]
    return [*pieces, *split_message(menu)]


def split_message(text: str, limit: int = SAFE_UNITS) -> list[str]:
    """Pieces of at most `limit` UTF-16 units, cut after a sentence or a line where one
    ends in time, else at a space; inside a word only when it is longer than a message."""
    pieces: list[str] = []
    rest = text.strip()
    while utf16_units(rest) > limit:
        window = rest[:_chars_within(rest, limit)]
        cuts = [found.end() for found in _SENTENCE_END.finditer(window)
                if found.start() > 0]
        cut = cuts[-1] if cuts else window.rfind(" ") + 1 or len(window)
        pieces.append(rest[:cut].strip())
        rest = rest[cut:].strip()
    if rest:
        pieces.append(rest)
    return pieces


def _chars_within(text: str, limit: int) -> int:
    """How many characters of `text` fit in `limit` UTF-16 units."""
    units = 0
    for index, char in enumerate(text):
        units += 2 if ord(char) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)

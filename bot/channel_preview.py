"""How each channel's sender shapes a reply, for the console's previews: the very
functions the senders call (Telegram's cut at its length limit, Zalo's split into
messages under its 2,000-unit cap and its numbered menu), so a preview cannot drift."""

from collections.abc import Callable

from bot.telegram.render import reply_params
from bot.zalo.render import as_texts
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts

Preview = Callable[[Reply], list[str]]


def channel_previews(texts: Texts) -> dict[str, Preview]:
    """Channel → the messages one reply becomes there, in order."""
    return {"telegram": lambda reply: [str(reply_params(0, reply)["text"])],
            "zalo": lambda reply: as_texts(reply, texts)}

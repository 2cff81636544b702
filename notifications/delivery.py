"""What a channel's sender promises the outbox, and how it reports a refusal."""

from typing import Protocol

from handlers.shared.messages import Reply


class RetryAfter(Exception):
    """The platform asks every send to wait (Telegram 429, a Zalo quota answer)."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds} s")
        self.seconds = seconds


class Throttled(Exception):
    """The platform says "too many" without saying how long (Zalo's 429 quota answer):
    that channel waits, longer each time, and the message is tried again."""


class ChatGone(Exception):
    """The bot was removed from the chat or blocked: retrying cannot help."""


class ChatMigrated(Exception):
    """The group became a supergroup under a new id."""

    def __init__(self, new_chat_id: str) -> None:
        super().__init__(f"migrated to {new_chat_id}")
        self.new_chat_id = new_chat_id


class Refused(Exception):
    """The platform refused this message for good (e.g. a malformed request)."""


class ChannelSender(Protocol):
    def split(self, reply: Reply) -> list[Reply]:
        """The messages a reply goes out as (a chart, then its text), each of which `send`
        delivers as exactly one: the outbox paces and records them one by one."""
        ...

    async def send(self, chat_id: str, reply: Reply) -> str:
        """Deliver a reply; return the platform's message id (of the last message). Raises
        the errors above for answers the outbox handles, anything else for a transient
        failure."""
        ...

    def is_group(self, chat_id: str) -> bool:
        """Groups get the slower per-chat rate."""
        ...

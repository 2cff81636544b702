"""The outbox's Zalo sender: Zalo answers mapped to what the outbox handles."""

from bot.zalo.client import ZaloApiError, ZaloClient
from bot.zalo.render import as_texts
from handlers.messages import Reply
from handlers.texts import Texts
from notifications.delivery import Refused, Throttled
from web.media_links import MediaLinks


class ZaloSender:
    def __init__(self, client: ZaloClient, texts: Texts, links: MediaLinks) -> None:
        self._client = client
        self._texts = texts
        self._links = links

    def is_group(self, chat_id: str) -> bool:
        return False  # Zalo bots reach people in private chats only (for now)

    async def send(self, chat_id: str, reply: Reply) -> str:
        """One outbox row may become several Zalo messages (a long text, a picture); the
        id of the last is returned."""
        try:
            message_id = ""
            image = reply.extra.get("image_sha256")
            if image:  # Zalo takes pictures by URL: a signed, expiring link to our own app
                message_id = await self._client.send_photo(chat_id, self._links.url_for(image))
            for text in as_texts(reply, self._texts, self._texts.default_locale):
                message_id = await self._client.send_message(chat_id, text)
        except ZaloApiError as exc:
            if exc.is_quota:
                raise Throttled(str(exc)) from exc
            if exc.code >= 500 or exc.code == 408:
                raise  # transient: retried with back-off
            raise Refused(str(exc)) from exc
        return message_id

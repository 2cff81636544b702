"""The outbox's Zalo sender: Zalo answers mapped to what the outbox handles."""

from bot.zalo.client import ZaloApiError, ZaloClient
from bot.zalo.render import as_texts
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from notifications.delivery import Refused, Throttled
from web.media_links import MediaLinks

PICTURES = (("chart_sha256", "png"), ("image_sha256", "jpg"))  # reply.extra key, file type


class ZaloSender:
    def __init__(self, client: ZaloClient, texts: Texts, links: MediaLinks) -> None:
        self._client = client
        self._texts = texts
        self._links = links

    def split(self, reply: Reply) -> list[Reply]:
        """Each picture, then each piece of the text (Zalo caps a message at 2,000
        characters): one Zalo message each."""
        pictures = [Reply("", extra={key: reply.extra[key]}) for key, _ in PICTURES
                    if reply.extra.get(key)]
        return pictures + [Reply(text) for text in
                           as_texts(reply, self._texts, self._texts.default_locale)]

    def is_group(self, chat_id: str) -> bool:
        return False  # Zalo bots reach people in private chats only (for now)

    async def send(self, chat_id: str, reply: Reply) -> str:
        """One outbox row may become several Zalo messages (a long text, a picture); the
        id of the last is returned."""
        try:
            message_id = ""
            # Zalo takes pictures by URL: a signed, expiring link to our own app.
            for key, ext in PICTURES:
                if reply.extra.get(key):
                    url = self._links.url_for(reply.extra[key], ext=ext)
                    message_id = await self._client.send_photo(chat_id, url)
            for text in as_texts(reply, self._texts, self._texts.default_locale):
                message_id = await self._client.send_message(chat_id, text)
        except ZaloApiError as exc:
            if exc.is_quota:
                raise Throttled(str(exc)) from exc
            if exc.code >= 500 or exc.code == 408:
                raise  # transient: retried with back-off
            raise Refused(str(exc)) from exc
        return message_id

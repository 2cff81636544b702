"""The outbox's Zalo sender: Zalo answers mapped to what the outbox handles.

Zalo takes pictures only as links it fetches itself, so a picture goes out only when
our links lead somewhere Zalo can reach (an https address on the internet). Otherwise,
and when Zalo refuses a picture anyway, the text goes out alone; it always carries a
console link where staff see the chart, so a refused picture loses nothing.
"""

from bot.zalo.client import ZaloApiError, ZaloClient
from bot.zalo.render import as_texts
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from notifications.delivery import Refused, Throttled
from web.media_links import MediaLinks

# reply.extra key, file type; a certificate's picture is a PNG we drew (its PDF stays
# off Zalo, which takes no files from a bot by link).
PICTURES = (("chart_sha256", "png"), ("image_sha256", "jpg"), ("certificate_sha256", "png"))
# Where staff see each kind of picture in the console. A nomination's photo has none
# here: its card already links to the nomination's page, which shows it.
PICTURE_PAGES = {"chart_sha256": "/tally"}


class ZaloSender:
    def __init__(self, client: ZaloClient, texts: Texts, links: MediaLinks, *,
                 pictures: bool, console_url: str) -> None:
        self._client = client
        self._texts = texts
        self._links = links
        self._pictures = pictures
        self._console_url = console_url.rstrip("/")

    def split(self, reply: Reply) -> list[Reply]:
        """Each picture Zalo can fetch, then each piece of the text (the menu last): one
        Zalo message each, sent and refused one by one."""
        kinds = [key for key, _ in PICTURES if reply.extra.get(key)]
        pictures = [Reply("", extra={key: reply.extra[key]}) for key in kinds
                    if self._pictures]
        text = reply.text
        # A reply may name its own page and words (an announcement's picture is no chart).
        if kinds and (kinds[0] in PICTURE_PAGES or "picture_page" in reply.extra):
            locale = reply.extra.get("locale") or self._texts.default_locale
            page = reply.extra.get("picture_page") or PICTURE_PAGES[kinds[0]]
            words = reply.extra.get("picture_text", "zalo.picture_link")
            text = f"{text}\n{self._texts.get(locale, words, url=self._console_url + page)}"
        body = Reply(text, reply.buttons, extra={
            key: value for key, value in reply.extra.items() if key not in dict(PICTURES)})
        return pictures + [Reply(piece) for piece in as_texts(body, self._texts)]

    def is_group(self, chat_id: str) -> bool:
        return False  # Zalo bots reach people in private chats only (for now)

    async def send(self, chat_id: str, reply: Reply) -> str:
        """One part of an outbox row: a picture by its signed link, or one text."""
        try:
            for key, ext in PICTURES:
                if reply.extra.get(key):
                    url = self._links.url_for(reply.extra[key], ext=ext)
                    return await self._client.send_photo(chat_id, url)
            message_id = ""
            for text in as_texts(reply, self._texts):
                message_id = await self._client.send_message(chat_id, text)
        except ZaloApiError as exc:
            if exc.is_quota:
                raise Throttled(str(exc)) from exc
            if exc.code >= 500 or exc.code == 408:
                raise  # transient: retried with back-off
            raise Refused(str(exc)) from exc
        return message_id


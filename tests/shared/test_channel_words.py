"""Each channel's own words: Zalo has no buttons (people type numbers and words), the web
chat has choices to tap, only Telegram shows a button to share a phone number. No text a
Zalo or web resident can be sent names a gesture their channel does not have."""

import re

import pytest

from handlers.shared.texts import CHANNEL_VARIANT, LOCALES, Texts

# What each channel has none of.
NOT_ON = {
    "zalo": re.compile(r"bấm|nút|chạm|\bpress|\btap|button|click|chia sẻ số|share", re.I),
    "webchat": re.compile(r"bấm|\bpress|click|chia sẻ số|share (?:the|my|your)", re.I),
}
# Texts no Zalo or web resident is ever sent: Telegram's own (its command list, the
# share-my-number question and button, a staff group's cards and button answers) and the
# console's and the web page's labels, which are not chat messages.
ELSEWHERE = re.compile(
    r"^(console\.|web\.|bot_commands\.|card\.|review\.|group_link\.)"
    r"|^(ask\.submitter_phone\.share_or_type|hint\.own_contact|button\.share_phone)$")


def resident_texts(texts: Texts, locale: str) -> list[str]:
    return sorted(key for key in texts.keys(locale)
                  if not CHANNEL_VARIANT.search(key) and not ELSEWHERE.search(key))


def sample(texts: Texts, locale: str, key: str, channel: str) -> str:
    """The text with every blank filled, whatever its blanks are called."""
    values: dict[str, str] = {"count": "2"}
    while True:
        try:
            return texts.get(locale, key, channel=channel, **values)
        except KeyError as missing:
            values[str(missing.args[0])] = "1"


@pytest.mark.parametrize("channel", sorted(NOT_ON))
@pytest.mark.parametrize("locale", LOCALES)
def test_no_message_names_a_gesture_the_channel_has_not(texts, locale, channel):
    keys = resident_texts(texts, locale)
    assert len(keys) > 150  # the scan really reads the catalogue
    wrong = {key: said for key in keys
             if NOT_ON[channel].search(said := sample(texts, locale, key, channel))}
    assert wrong == {}


def test_telegram_keeps_its_buttons_and_zalo_types(texts):
    assert "bấm" in texts.get("vi", "hint.press_button", channel="telegram").lower()
    assert "gõ số" in texts.get("vi", "hint.press_button", channel="zalo")
    assert "chạm" in texts.get("vi", "hint.press_button", channel="webchat").lower()
    assert "type «done»" in texts.get("en", "ack.photo", channel="zalo", count=2, limit=10)
    assert "tap Done" in texts.get("en", "ask.photos_more", channel="webchat", count=1,
                                   limit=10)


def test_every_variant_has_its_plain_text(texts):
    for locale in LOCALES:
        for key in texts.keys(locale):
            if CHANNEL_VARIANT.search(key):
                assert texts.has(locale, CHANNEL_VARIANT.sub("", key)), key

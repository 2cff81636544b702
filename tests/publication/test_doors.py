"""Each door a published story goes out by (the public page, its own page, its photo,
the RSS feed and the monthly digest) asks for the nominee's consent when it opens: a
story published with consent, whose consent is withdrawn afterwards, is gone from all of
them, and so is one staff withdrew; the feed is valid RSS 2.0."""

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from xml.etree import ElementTree as ET

import pytest
from sqlmodel import select

from handlers.publication.digest import digest_reply, queue_monthly_exemplars
from storage.models import Notification
from tests.publication.helpers import (
    act,
    honoured,
    image_paths,
    photo_ids,
    publication,
    publish_through_console,
    set_published_at,
    withdraw_consent,
)

NOVEMBER = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
DEC_1_0900 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


async def two_published(db, console) -> tuple[int, int]:
    """Đức's and Hoa's stories, both published in November, each with a photo."""
    ids = []
    for name in ("Nguyễn Văn Đức", "Lê Thị Hoa"):
        nomination_id = await honoured(db, console.media, name=name, photos=1)
        await publish_through_console(console, nomination_id,
                                      photos=tuple(await photo_ids(db, nomination_id)),
                                      headline=f"Tấm gương {name}")
        await set_published_at(db, nomination_id, NOVEMBER)
        ids.append(nomination_id)
    return ids[0], ids[1]


async def what_each_door_shows(db, console, texts, slug: str, photo: str) -> dict[str, bool]:
    """Whether Đức is behind each door. The digest is queued once (the second call finds
    its key) and written at send time, so the second look reads the same row again."""
    public = console.browser_at("203.0.113.9")
    async with db.sessions() as session:
        await queue_monthly_exemplars(session, now=DEC_1_0900,
                                      channels=frozenset({"telegram"}),
                                      public_url="http://ward.test")
    async with db.sessions() as session:
        row = (await session.exec(select(Notification).where(
            Notification.kind == "exemplar_digest"))).first()
        digest = await digest_reply(session, row.payload, texts) if row else None
    return {
        "page": "Nguyễn Văn Đức" in (await public.get("/guong-sang")).text,
        "story": (await public.get(f"/guong-sang/{slug}")).status_code == 200,
        "photo": (await public.get(photo)).status_code == 200,
        "rss": slug in (await public.get("/guong-sang/rss.xml")).text,
        "digest": digest is not None and slug in digest.text,
    }


@pytest.mark.parametrize("how", ["consent_withdrawn", "story_withdrawn"])
async def test_every_door_shuts_on_a_story_no_longer_consented_or_withdrawn(db, console,
                                                                             texts, how):
    await console.sign_in("phucxa.hung")
    duc, hoa = await two_published(db, console)
    slug = (await publication(db, duc)).slug
    story = (await console.browser_at("203.0.113.9").get(f"/guong-sang/{slug}")).text
    photo = image_paths(story)[0]
    assert set((await what_each_door_shows(db, console, texts, slug, photo)).values()) == {True}

    if how == "consent_withdrawn":
        await withdraw_consent(db, duc)
    else:
        await act(console, duc, "withdraw")
    assert await what_each_door_shows(db, console, texts, slug, photo) == {
        "page": False, "story": False, "photo": False, "rss": False, "digest": False}
    # Hoa's story is still there: the doors shut on one nominee, not on the page.
    hoa_slug = (await publication(db, hoa)).slug
    assert hoa_slug in (await console.browser_at("203.0.113.9").get("/guong-sang")).text


async def test_an_unconsented_nominee_never_reaches_a_door(db, console, texts):
    await console.sign_in("phucxa.hung")
    nomination_id = await honoured(db, console.media, consented=False, photos=1)
    await publish_through_console(console, nomination_id,
                                  photos=tuple(await photo_ids(db, nomination_id)))
    found = await publication(db, nomination_id)
    assert found is not None and found.published_at is None
    public = console.browser_at("203.0.113.9")
    assert "Nguyễn Văn Đức" not in (await public.get("/guong-sang")).text
    assert (await public.get(f"/guong-sang/{found.slug}")).status_code == 404
    assert found.slug not in (await public.get("/guong-sang/rss.xml")).text
    async with db.sessions() as session:
        assert await queue_monthly_exemplars(session, now=DEC_1_0900,
                                             channels=frozenset({"telegram"}),
                                             public_url="http://ward.test") == 0


async def test_the_feed_is_valid_rss_the_portal_can_take(db, console):
    await console.sign_in("phucxa.hung")
    duc, hoa = await two_published(db, console)
    await set_published_at(db, hoa, datetime(2026, 11, 28, 1, 30, tzinfo=UTC))
    answer = await console.browser_at("203.0.113.9").get("/guong-sang/rss.xml")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/rss+xml")
    root = ET.fromstring(answer.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    for required in ("title", "link", "description"):
        assert (channel.findtext(required) or "").strip()
    assert channel.findtext("link") == "http://ward.test/guong-sang"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Tấm gương Lê Thị Hoa",
                                                    "Tấm gương Nguyễn Văn Đức"]  # newest first
    for item, nomination_id in zip(items, (hoa, duc), strict=True):
        slug = (await publication(db, nomination_id)).slug
        guid = item.find("guid")
        assert guid is not None and guid.get("isPermaLink") == "true"
        assert guid.text == item.findtext("link") == f"http://ward.test/guong-sang/{slug}"
        date = item.findtext("pubDate") or ""
        assert date.endswith(" GMT") and parsedate_to_datetime(date).tzinfo is not None
        enclosure = item.find("enclosure")
        assert enclosure is not None and enclosure.get("type") == "image/jpeg"
        assert int(enclosure.get("length") or 0) > 0
        picture = await console.browser_at("198.51.100.4").get(
            (enclosure.get("url") or "").removeprefix("http://ward.test"))
        assert picture.status_code == 200 and len(picture.content) == int(
            enclosure.get("length") or 0)
    assert parsedate_to_datetime(items[0].findtext("pubDate") or "") == datetime(
        2026, 11, 28, 1, 30, tzinfo=UTC)

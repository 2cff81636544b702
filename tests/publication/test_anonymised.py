"""A published nominee whose nomination the retention job anonymises (its period over)
leaves the public page: the story, written in staff's words with the name in it, is
blanked with the nomination, and its photos are gone with theirs."""

from datetime import UTC, datetime

from storage.privacy.retention import anonymise
from tests.publication.helpers import (
    honoured,
    image_paths,
    photo_ids,
    publication,
    publish_through_console,
)


async def test_an_anonymised_nominee_leaves_the_public_page(db, console):
    nomination_id = await honoured(db, console.media, photos=1)
    await console.sign_in("phucxa.hung")
    await publish_through_console(console, nomination_id,
                                  photos=tuple(await photo_ids(db, nomination_id)))
    slug = (await publication(db, nomination_id)).slug
    public = console.browser_at("203.0.113.9")
    photo = image_paths((await public.get(f"/guong-sang/{slug}")).text)[0]

    async with db.sessions() as session:
        assert await anonymise(session, nomination_id, status="approved",
                               now=datetime(2031, 1, 1, tzinfo=UTC)) is not None
        await session.commit()

    found = await publication(db, nomination_id)
    assert found is not None and found.withdrawn_at is not None
    assert (found.headline, found.story, found.photo_ids) == ("", "", [])
    assert "Nguyễn Văn Đức" not in (await public.get("/guong-sang")).text
    assert (await public.get(f"/guong-sang/{slug}")).status_code == 404
    assert (await public.get(photo)).status_code == 404
    assert slug not in (await public.get("/guong-sang/rss.xml")).text

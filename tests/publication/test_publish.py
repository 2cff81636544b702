"""A reviewer of Phúc Xá writes the story of a dossier the council honoured, from the
nomination's deed, chooses one of its two photos and publishes it: the public page and
the story's page show it with its preview tags, only the chosen photo is reachable, and
never the submitter's name or phone. Unconsented, it cannot be published; a staff member
without the deciding right over the unit cannot touch it; publishing and withdrawing
leave audit rows."""

import io
import re

from PIL import Image

from tests.publication.helpers import (
    DEED,
    SUBMITTER,
    SUBMITTER_PHONE,
    act,
    add_photo,
    events,
    honoured,
    image_paths,
    photo_ids,
    publication,
    publish_through_console,
)
from tests.support.images import gps_exif


async def test_a_reviewer_publishes_a_story_with_the_photo_she_chose(db, console):
    nomination_id = await honoured(db, console.media, photos=1)
    (other,) = await photo_ids(db, nomination_id)
    # A wide photo from a phone, with where it was taken in it.
    chosen = await add_photo(db, console.media, nomination_id, width=2400, height=1600,
                             exif=gps_exif())
    await console.sign_in("phucxa.hung")

    listing = await console.client.get("/console/publication")
    assert "Nguyễn Văn Đức" in listing.text and 'data-state="none"' in listing.text
    form = await console.client.get(f"/console/publication/{nomination_id}")
    assert DEED in form.text  # prefilled from the nomination's deed

    where = await publish_through_console(console, nomination_id, photos=(chosen,))
    assert where.endswith("result=published")
    published = await publication(db, nomination_id)
    assert published is not None and published.photo_ids == [chosen]
    assert published.slug == f"nguyen-van-duc-{nomination_id}"

    public = console.browser_at("203.0.113.9")  # anyone, not signed in
    page = await public.get("/guong-sang")
    assert page.status_code == 200 and "Người trả lại chiếc ví 15 triệu đồng" in page.text
    assert page.headers["cache-control"].startswith("public")
    assert page.headers["vary"] == "Cookie"
    assert 'href="/guong-sang"' in (await public.get("/")).text
    assert '<html lang="vi">' in page.text
    english = await public.get("/exemplars?lang=en", follow_redirects=True)
    assert '<html lang="en">' in english.text and "Good people, good deeds" in english.text

    story = await public.get(f"/guong-sang/{published.slug}")
    assert story.status_code == 200
    for text in (SUBMITTER, SUBMITTER_PHONE, "+84"):
        assert text not in page.text and text not in story.text
    assert "<h1>Người trả lại chiếc ví 15 triệu đồng</h1>" in story.text
    assert "125/QĐ-UBND" in story.text and "<script" not in story.text

    pictures = image_paths(story.text)
    assert len(pictures) == 1 and f"-{chosen}-" in pictures[0]
    picture = await public.get(pictures[0])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/jpeg"
    assert picture.headers["cache-control"].startswith("public")
    image = Image.open(io.BytesIO(picture.content))
    assert max(image.size) == 960 and not image.getexif()  # resized for phones, no GPS
    # The other photo is not reachable: not by changing the id, nor with a console link.
    assert (await public.get(pictures[0].replace(f"-{chosen}-", f"-{other}-"))).status_code \
        == 404
    assert (await public.get(f"/console/photos/{other}")).status_code in (303, 401, 403)


async def test_the_story_page_carries_its_open_graph_preview(db, console):
    nomination_id = await honoured(db, console.media)
    chosen, _ = await photo_ids(db, nomination_id)
    await console.sign_in("phucxa.hung")
    await publish_through_console(console, nomination_id, photos=(chosen,))
    slug = (await publication(db, nomination_id)).slug

    html = (await console.browser_at("203.0.113.9").get(f"/guong-sang/{slug}")).text
    meta = dict(re.findall(r'<meta (?:property|name)="([^"]+)" content="([^"]*)"', html))
    assert meta["og:type"] == "article"
    assert meta["og:title"] == "Người trả lại chiếc ví 15 triệu đồng"
    assert meta["og:description"].startswith("Ông đã nhặt được chiếc ví")
    assert meta["og:url"] == f"http://ward.test/guong-sang/{slug}"
    assert re.fullmatch(rf"http://ward\.test/guong-sang/anh/\d+-{chosen}-[0-9a-f]+\.page\.jpg",
                        meta["og:image"])
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:image"] == meta["og:image"]
    image = await console.browser_at("198.51.100.4").get(
        meta["og:image"].removeprefix("http://ward.test"))
    assert image.status_code == 200


async def test_publishing_is_refused_without_the_nominees_consent(db, console):
    nomination_id = await honoured(db, console.media, consented=False)
    await console.sign_in("phucxa.hung")
    where = await publish_through_console(console, nomination_id, photos=())
    assert where.endswith("result=no_consent")
    found = await publication(db, nomination_id)
    assert found is not None and found.published_at is None  # the words are kept
    refused = await events(db, "publication_publish")
    assert [e.allowed for e in refused] == [False]
    page = await console.client.get(where)
    assert 'data-result="no_consent"' in page.text
    public = console.browser_at("203.0.113.9")
    assert "Nguyễn Văn Đức" not in (await public.get("/guong-sang")).text
    assert (await public.get(f"/guong-sang/{found.slug}")).status_code == 404


async def test_only_staff_who_may_decide_on_the_unit_publish(db, console):
    nomination_id = await honoured(db, console.media)
    chosen, _ = await photo_ids(db, nomination_id)
    for username in ("doican.mai", "thanhcong.quan"):  # another ward's reviewer; a viewer
        await console.sign_in(username)
        assert "Nguyễn Văn Đức" not in (await console.client.get("/console/publication")).text
        assert (await console.client.get(
            f"/console/publication/{nomination_id}")).status_code == 403
        await console.client.post("/console/logout", data={"csrf": console.csrf(
            await console.client.get("/console/publication"))})
    # A forged POST with a good form token of their own is refused too.
    await console.sign_in("phucxa.hung")
    form = await console.client.get(f"/console/publication/{nomination_id}")
    await console.client.post("/console/logout", data={"csrf": console.csrf(form)})
    await console.sign_in("doican.mai")
    token = console.csrf(await console.client.get("/console/publication"))
    forged = await console.client.post(f"/console/publication/{nomination_id}", data={
        "csrf": token, "action": "publish", "headline": "X", "story": "Y",
        "photo": [str(chosen)]})
    assert forged.status_code == 403
    assert await publication(db, nomination_id) is None


async def test_a_round_not_yet_decided_has_nothing_to_publish(db, console):
    nomination_id = await honoured(db, console.media, status="met")
    await console.sign_in("phucxa.hung")
    assert (await console.client.get(
        f"/console/publication/{nomination_id}")).status_code == 403


async def test_publishing_and_withdrawing_leave_audit_rows(db, console):
    nomination_id = await honoured(db, console.media)
    await console.sign_in("phucxa.hung")
    await publish_through_console(console, nomination_id, photos=())
    slug = (await publication(db, nomination_id)).slug
    withdrawn = await act(console, nomination_id, "withdraw")
    assert withdrawn.headers["location"].endswith("result=withdrawn")

    published, gone = await events(db, "publication_publish"), await events(
        db, "publication_withdraw")
    assert [(e.allowed, e.nomination_id, e.target) for e in published] == [
        (True, nomination_id, f"publication:{slug}")]
    assert [(e.allowed, e.nomination_id) for e in gone] == [(True, nomination_id)]
    assert published[0].staff_id == gone[0].staff_id is not None
    admin = console.browser_at("10.0.0.5")
    await console.sign_in("admin", client=admin)
    log = (await admin.get("/console/audit")).text
    assert "Đăng gương sáng" in log and "Gỡ gương sáng" in log
    found = await publication(db, nomination_id)
    assert found is not None and found.withdrawn_at is not None
    assert (await console.browser_at("203.0.113.9").get(f"/guong-sang/{slug}")).status_code \
        == 404

"""What shows personal data is never kept by a browser or a proxy on the way: console
pages, exports and photos, the web chat's answers and signed picture links are
`no-store`, whatever their route said. Over HTTPS every answer also tells the browser to
come back over HTTPS only (HSTS); over plain HTTP it would mean nothing and is not sent."""

import httpx
from sqlmodel import select
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from storage.models import Photo
from tests.conftest import ROOT
from tests.support.console import Console
from tests.support.images import jpeg
from tests.support.nominations import add_nomination
from web.app import NO_STORE_PATHS, create_app, make_context
from web.media_links import MediaLinks
from web.media_links import build_router as media_links_router
from web.security_headers import SecurityHeaders


async def test_console_pages_exports_and_photos_are_not_stored(console: Console):
    async with console.db.sessions() as session:
        await add_nomination(session, unit="phuc-xa", name="Nguyễn Văn Tuấn",
                             deed="Dọn sạch ngõ 5 mỗi sáng chủ nhật.", photos=1,
                             media=console.media)
        photo = (await session.exec(select(Photo))).one()
    await console.sign_in("admin")

    answers = {path: await console.client.get(path) for path in (
        "/console", "/console/export.csv", "/console/export.xlsx",
        f"/console/photos/{photo.id}", f"/console/photos/{photo.id}?thumb=1",
        "/console/login")}

    assert {path: a.status_code for path, a in answers.items()} == dict.fromkeys(answers, 200)
    assert {path: a.headers["cache-control"] for path, a in answers.items()} == \
        dict.fromkeys(answers, "no-store")
    assert "Nguyễn Văn Tuấn" in answers["/console/export.csv"].content.decode("utf-8-sig")
    static = await console.client.get("/static/site.css")
    assert static.headers.get("cache-control") != "no-store"  # nothing personal there


async def test_a_signed_picture_link_is_not_stored(console: Console, texts):
    stored = console.media.save(jpeg())
    links = MediaLinks(b"k" * 32, "http://ward.test")
    app = create_app(make_context(console.db.sessions, texts, ROOT / "templates"),
                     templates_dir=ROOT / "templates",
                     routers=[media_links_router(links, console.media)])
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://ward.test") as client:
        answer = await client.get(links.url_for(stored.sha256))
    assert answer.status_code == 200 and answer.headers["content-type"] == "image/jpeg"
    assert answer.headers["cache-control"] == "no-store"


async def test_the_chat_answers_are_not_stored_whatever_the_route_said():
    async def cached(_request):
        return JSONResponse({"replies": [{"text": "Cảm ơn chị Hoa"}]},
                            headers={"Cache-Control": "public, max-age=3600"})

    paths = ("/chat/api/message", "/chat/api/notices", "/media/ab.jpg", "/embed.js")
    app = SecurityHeaders(Starlette(routes=[Route(p, cached) for p in paths]), {},
                          no_store=NO_STORE_PATHS)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app),
                                 base_url="http://ward.test") as client:
        said = {p: (await client.get(p)).headers["cache-control"] for p in paths}
    assert said == {"/chat/api/message": "no-store", "/chat/api/notices": "no-store",
                    "/media/ab.jpg": "no-store", "/embed.js": "public, max-age=3600"}


async def test_hsts_over_https_only(console: Console):
    plain = await console.client.get("/console/login")
    assert "strict-transport-security" not in plain.headers
    # As uvicorn hands it over behind the proxy named in FORWARDED_ALLOW_IPS.
    secure = await console.client.get("https://ward.test/console/login")
    assert secure.headers["strict-transport-security"] == "max-age=31536000"

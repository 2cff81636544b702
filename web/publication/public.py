"""/guong-sang ("gương sáng", bright examples; /exemplars leads here): the ward's honoured
exemplars for anyone, without signing in. A list newest first, a page per story with
Open Graph and Twitter previews for Zalo and Facebook, the chosen photos under names
nobody can guess, and an RSS 2.0 feed for the ward's portal. Small pages, no script."""

import asyncio
from datetime import UTC, datetime

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from handlers.publication.public import PhotoTokens, PublicPhoto, Story, live_stories
from storage.media.resized import resized_jpeg
from storage.media.store import MediaStore
from web.app import WebContext, page
from web.publication.feed import rss, summary

BASE = "/guong-sang"
# Short: consent withdrawn takes a story down within minutes even from a proxy's copy.
PAGE_CACHE = "public, max-age=300"
PHOTO_CACHE = "public, max-age=3600"
# A page is in the language of the ?lang= cookie: a shared cache keeps one per choice.
PAGE_HEADERS = {"Cache-Control": PAGE_CACHE, "Vary": "Cookie"}


def build_router(context: WebContext, media: MediaStore, *, secret: bytes,
                 public_url: str) -> APIRouter:
    router = APIRouter()
    tokens = PhotoTokens(secret)
    public_url = public_url.rstrip("/")

    def photo_path(story: Story, photo: PublicPhoto, size: str = "") -> str:
        return f"{BASE}/anh/{tokens.token(story.id, photo)}{size}.jpg"

    def story_path(story: Story) -> str:
        return f"{BASE}/{story.slug}"

    @router.get("/exemplars", include_in_schema=False)
    async def english_alias(request: Request) -> Response:
        query = f"?{request.url.query}" if request.url.query else ""
        return RedirectResponse(f"{BASE}{query}", status_code=308)

    @router.get(BASE, response_class=HTMLResponse)
    async def exemplars(request: Request) -> Response:
        async with context.sessions() as session:
            stories = await live_stories(session)
        response = page(context, request, "web/public/exemplars.html", stories=stories,
                        photo_path=photo_path, story_path=story_path, base=BASE,
                        public_url=public_url)
        response.headers.update(PAGE_HEADERS)
        return response

    @router.get(f"{BASE}/rss.xml")
    async def feed(request: Request) -> Response:
        async with context.sessions() as session:
            stories = await live_stories(session, limit=50)
        locale = context.texts.default_locale
        body = rss(stories, public_url=public_url, base=BASE,
                   title=context.texts.get(locale, "publication.feed_title"),
                   description=context.texts.get(locale, "publication.feed_description"),
                   photo_path=photo_path, now=datetime.now(UTC))
        return Response(body, media_type="application/rss+xml; charset=utf-8",
                        headers={"Cache-Control": PAGE_CACHE})

    @router.get(BASE + "/anh/{name}.jpg")
    async def photo(name: str) -> Response:
        token, _, size = name.partition(".")
        if size not in ("", "thumb", "page"):
            raise HTTPException(status_code=404)
        async with context.sessions() as session:
            chosen = await tokens.photo(session, token)
        if chosen is None:
            raise HTTPException(status_code=404)  # no hint whether it ever existed
        data = await media.fetch(chosen.sha256, "thumbnail" if size == "thumb" else "photo")
        if data is None:
            raise HTTPException(status_code=404)
        if size == "page":
            data = await asyncio.to_thread(resized_jpeg, data)
        return Response(data, media_type="image/jpeg", headers={"Cache-Control": PHOTO_CACHE})

    @router.get(BASE + "/{slug}", response_class=HTMLResponse)
    async def story(request: Request, slug: str) -> Response:
        async with context.sessions() as session:
            found = await live_stories(session, slug=slug, limit=1)
        if not found:
            raise HTTPException(status_code=404)
        response = page(context, request, "web/public/story.html", story=found[0],
                        summary=summary, photo_path=photo_path, story_path=story_path, base=BASE,
                        public_url=public_url)
        response.headers.update(PAGE_HEADERS)
        return response

    return router

"""/chat: the page, and a small JSON API the page talks to.

A message carries a client-made id; the inbox keeps each one once, with the replies it
got, so a phone that resends after a dropped connection gets the same answer and
changes nothing.
"""

import logging
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import (
    APIRouter,
    Depends,
    File,
    Form,
    Header,
    HTTPException,
    Query,
    Request,
    UploadFile,
)
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, Field
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.fetched_document import FetchedDocument
from bot.prefetched_photo import PrefetchedPhoto
from bot.webchat.limits import JSON_BODY_CAP, MULTIPART_ROOM, WebLimits
from handlers.contest.documents import MAX_FILE_BYTES
from handlers.intake.commands import command_of
from handlers.intake.conversation import handle
from handlers.shared.messages import Inbound, Reply
from handlers.shared.turn import Services
from notifications.meter import Meter
from notifications.render import Render
from storage.certificates.records import submitters_certificate
from storage.delivery.outbox import picked_up_by_chat
from storage.inbox.turns import lock_chat
from storage.inbox.updates import find_update, record_update
from storage.intake.conversations import locale_of
from storage.media.store import MediaRejected
from storage.webchat.visitors import issue_visitor, known_visitor, origin_of, visitor_key
from web.app import (
    LANG_COOKIE,
    WebContext,
    chosen_locale,
    client_address,
    get_session,
    page,
)

log = logging.getLogger(__name__)
CHANNEL = "webchat"
COOKIE = "ntvt_chat"
CLIENT_HEADER = "X-NTVT-Chat"
MESSAGE_ID_LENGTH = 30


class ChatMessage(BaseModel):
    # The inbox keys it as "<visitor>:<id>" in 64 characters: the visitor takes 33.
    id: str = Field(min_length=8, max_length=MESSAGE_ID_LENGTH, pattern=r"^[A-Za-z0-9_-]+$")
    text: str | None = Field(default=None, max_length=5000)
    payload: str | None = Field(default=None, max_length=64)


@dataclass
class UploadedPhoto(PrefetchedPhoto):
    upload: UploadFile

    async def _download(self, max_bytes: int) -> bytes:
        data = await self.upload.read(max_bytes + 1)
        if len(data) > max_bytes:
            raise MediaRejected("too_large")
        return data


async def visitor_id(request: Request, session: AsyncSession) -> str:
    """The visitor of a session this server issued; any other cookie is nobody."""
    key = await known_visitor(session, request.cookies.get(COOKIE, ""))
    if key is None:
        raise HTTPException(status_code=401, detail="no chat session")
    return key


SESSION_SECONDS = 60 * 60 * 24 * 180


def set_session_cookie(response: Response, token: str, *, framed: bool, https: bool) -> None:
    if not framed:
        response.set_cookie(COOKIE, token, max_age=SESSION_SECONDS, httponly=True,
                            samesite="lax", secure=https)
        return
    # Written out: Python's http.cookies knows the Partitioned attribute only from 3.14.
    # The token is URL-safe base64, nothing to quote.
    response.headers.append("set-cookie", f"{COOKIE}={token}; Max-Age={SESSION_SECONDS}; "
                            "Path=/; HttpOnly; SameSite=None; Secure; Partitioned")


def too_many(retry_after: int) -> JSONResponse:
    return JSONResponse({"detail": "too many requests"}, status_code=429,
                        headers={"Retry-After": str(retry_after), "Cache-Control": "no-store"})


def require_client_header(x_ntvt_chat: Annotated[str | None, Header()] = None) -> None:
    # A custom header cannot be sent cross-site without a CORS preflight we never allow,
    # so a forged form post from another site is refused (CSRF).
    if x_ntvt_chat != "1":
        raise HTTPException(status_code=403, detail="missing client header")


def render(replies: list[Reply]) -> list[dict[str, Any]]:
    return [{"text": r.text,
             "buttons": [[{"label": b.label, "payload": b.payload} for b in row]
                         for row in r.buttons],
             "input_mode": r.extra.get("input_mode", "text"),
             **({"download": {"url": r.extra["download_path"],
                              "label": r.extra.get("download_label", "")}}
                if r.extra.get("download_path") else {})} for r in replies]


def stored_replies(result: dict[str, Any] | None) -> list[Reply]:
    return [Reply.from_json(reply) for reply in (result or {}).get("replies", [])]


def build_router(context: WebContext, services: Services, render_notice: Render,
                 meter: Meter | None = None, limits: WebLimits | None = None, *,
                 framed: bool = False) -> APIRouter:
    """`framed`: ward portals may show the chat in a frame (EMBED_ORIGINS); its session
    cookie then goes with a frame on another site (SameSite=None, Secure, and Partitioned:
    kept for that portal only, as browsers that block third-party cookies allow)."""
    turns = meter if meter is not None else Meter()
    limits = limits if limits is not None else WebLimits()
    photo_cap = services.media.limits.max_bytes + MULTIPART_ROOM
    router = APIRouter()
    Session = Annotated[AsyncSession, Depends(get_session)]

    @router.get("/chat", response_class=HTMLResponse)
    async def chat_page(request: Request, session: Session) -> Response:
        """The page with its first question already in it: opening the chat is a turn
        ("open": where the person left off), run here rather than by the page's script
        after it loads, so slow mobile data pays one round trip before it, not four."""
        user = await known_visitor(session, request.cookies.get(COOKIE, ""))
        token = None
        if user is None:
            now = datetime.now(UTC)
            origin = origin_of(client_address(request))
            if not await limits.may_open(session, origin, now):
                log.warning("web chat: new sessions from one address held off", extra={
                    "channel": CHANNEL, "outcome": "rate_limited"})
                refused = page(context, request, "web/too_many.html")
                refused.status_code = 429
                refused.headers["Retry-After"] = "600"
                return refused
            token = await issue_visitor(session, origin=origin, now=now)
            await session.commit()
            user = visitor_key(token)
        # A reload is a message too: paced like one (past the pace the page asks itself,
        # and is told to wait).
        opening = await turn_replies(session, user, f"open{secrets.token_hex(6)}", Inbound(
            channel=CHANNEL, user_id=user, chat_id=user, payload="cmd:open",
            locale=chosen_locale(request))) \
            if await limits.may_send(session, user, datetime.now(UTC)) else []
        # Labels in the dialog's language unless a page chose one.
        response = page(context, request, "web/chat.html", opening=render(opening),
                        locale=await locale_of(session, channel=CHANNEL, user_id=user))
        response.headers["Cache-Control"] = "no-store"
        if token is not None:
            set_session_cookie(response, token, framed=framed,
                               https=request.url.scheme == "https")
        return response

    @router.get("/embed.js")
    async def embed_script(request: Request) -> Response:
        """The one <script> tag a ward portal adds: a floating button that opens the chat
        in a panel. Its words come from the templates, in the tag's data-lang."""
        script = context.templates.get_template("web/embed.js").render(
            labels={locale: {key: context.texts.get(locale, f"web.embed_{key}")
                             for key in ("open", "close")} for locale in ("vi", "en")})
        return Response(script, media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=3600"})

    async def converse(session: AsyncSession, user: str, message_id: str,
                       inbound: Inbound) -> JSONResponse:
        replies = await turn_replies(session, user, message_id, inbound)
        return JSONResponse({"replies": render(replies)}, headers={"Cache-Control": "no-store"})

    async def turn_replies(session: AsyncSession, user: str, message_id: str,
                           inbound: Inbound) -> list[Reply]:
        now = datetime.now(UTC)
        update_id = f"{user}:{message_id}"
        # A visitor's messages may reach two processes at once (a double tap, a resend
        # after a dropped connection): one turn at a time per visitor, in every process.
        await lock_chat(session, channel=CHANNEL, chat_key=user)
        pending = await record_update(session, channel=CHANNEL, update_id=update_id,
                                      chat_key=user, payload={"id": message_id}, now=now)
        if pending is None:  # a resend: answer as the first time, change nothing
            await session.rollback()
            earlier = await find_update(session, channel=CHANNEL, update_id=update_id)
            replies = stored_replies(earlier.result if earlier else None)
            log.info("web chat message answered again", extra={
                "channel": CHANNEL, "chat_key": user, "outcome": "repeat"})
        else:
            with turns.turn(CHANNEL):
                replies = await handle(inbound, session=session, now=now, services=services,
                                       inbox_id=pending.id)
            log.info("inbox row %s: turn done", pending.id, extra={
                "channel": CHANNEL, "chat_key": user, "inbox_id": pending.id,
                "outcome": "answered" if replies else "silent"})
        return replies

    @router.post("/chat/api/message", dependencies=[Depends(require_client_header)],
                 max_body_size=JSON_BODY_CAP)
    async def chat_message(body: ChatMessage, request: Request, session: Session) -> Response:
        user = await visitor_id(request, session)
        if not await limits.may_send(session, user, datetime.now(UTC)):
            return too_many(retry_after=60)
        chosen = chosen_locale(request)
        inbound = Inbound(channel=CHANNEL, user_id=user, chat_id=user, text=body.text,
                          payload=body.payload, locale=chosen)
        response = await converse(session, user, body.id, inbound)
        # Only a language command can change the dialog's language ("lang:en", "/en").
        switching = (body.payload or "").startswith("lang:") or \
            (command_of(body.text, body.payload) or "").startswith("lang:")
        if chosen is not None and switching:  # switched in the chat: the pages follow
            now_in = await locale_of(session, channel=CHANNEL, user_id=user)
            if now_in is not None and now_in != chosen:
                response.set_cookie(LANG_COOKIE, now_in, max_age=60 * 60 * 24 * 365,
                                    samesite="lax", secure=request.url.scheme == "https")
        return response

    @router.post("/chat/api/photo", dependencies=[Depends(require_client_header)],
                 max_body_size=photo_cap)
    async def chat_photo(request: Request, session: Session,
                         id: Annotated[str, Form(min_length=8, max_length=MESSAGE_ID_LENGTH,
                                                 pattern=r"^[A-Za-z0-9_-]+$")],
                         photo: Annotated[UploadFile, File()]) -> Response:
        user = await visitor_id(request, session)
        now = datetime.now(UTC)
        if not (await limits.may_send(session, user, now)
                and await limits.may_upload(session, user, now)):
            return too_many(retry_after=600)
        uploaded = UploadedPhoto(photo)
        # Decoded before the turn holds the database, in the media store's own threads.
        await uploaded.prefetch(services.media)
        inbound = Inbound(channel=CHANNEL, user_id=user, chat_id=user, photo=uploaded,
                          locale=chosen_locale(request))
        return await converse(session, user, id, inbound)

    @router.get("/chat/certificates/{certificate_id}.pdf")
    async def own_certificate(certificate_id: int, request: Request,
                              session: Session) -> Response:
        """A certificate, to the visitor who proposed its honoured person only."""
        user = await visitor_id(request, session)
        sha256 = await submitters_certificate(session, certificate_id, channel=CHANNEL,
                                              user_id=user)
        data = await services.media.fetch(sha256, "document") if sha256 else None
        if data is None:
            raise HTTPException(status_code=404)
        return Response(data, media_type="application/pdf", headers={
            "Content-Disposition": f'attachment; filename="giay-khen-{certificate_id}.pdf"',
            "Cache-Control": "no-store"})

    @router.post("/chat/api/document", dependencies=[Depends(require_client_header)],
                 max_body_size=MAX_FILE_BYTES + MULTIPART_ROOM)
    async def chat_document(request: Request, session: Session,
                            id: Annotated[str, Form(min_length=8, max_length=MESSAGE_ID_LENGTH,
                                                    pattern=r"^[A-Za-z0-9_-]+$")],
                            document: Annotated[UploadFile, File()]) -> Response:
        """A contest entry's DOCX or PDF: read before the turn, paced as photos are."""
        user = await visitor_id(request, session)
        now = datetime.now(UTC)
        if not (await limits.may_send(session, user, now)
                and await limits.may_upload(session, user, now)):
            return too_many(retry_after=600)
        fetched = await FetchedDocument.fetch(
            document.filename, document.content_type, document.size,
            lambda most: document.read(most + 1))
        inbound = Inbound(channel=CHANNEL, user_id=user, chat_id=user, document=fetched,
                          locale=chosen_locale(request))
        return await converse(session, user, id, inbound)

    @router.get("/chat/api/notices", dependencies=[Depends(require_client_header)])
    async def chat_notices(request: Request, session: Session,
                           after: Annotated[int, Query(ge=0)] = 0) -> Response:
        """What staff sent this visitor (decisions, requests for more): a web page cannot
        be pushed to, so the page asks now and then, from the last notice it showed."""
        user = await visitor_id(request, session)
        rows = await picked_up_by_chat(session, channel=CHANNEL, chat_id=user, after=after,
                                       now=datetime.now(UTC))
        notices = []
        for row in rows:
            reply = await render_notice(session, row)
            if reply is not None:
                notices.append({"id": row.id, **render([reply])[0]})
        await session.commit()
        last = max([after, *(row.id for row in rows)])
        return JSONResponse({"notices": notices, "last": last},
                            headers={"Cache-Control": "no-store"})

    return router

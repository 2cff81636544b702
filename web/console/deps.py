"""What every console route depends on: a database session and the signed-in staff member."""

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from sqlmodel.ext.asyncio.session import AsyncSession

from web.app import get_session
from web.console.auth import Signer, signed_in

Session = Annotated[AsyncSession, Depends(get_session)]


class SignInNeeded(Exception):
    """Raised by the `signer` dependency; the app answers with a redirect to sign in."""


async def signer(request: Request, session: Session) -> Signer:
    found = await signed_in(session, request)
    if found is None:
        raise SignInNeeded
    return found


StaffMember = Annotated[Signer, Depends(signer)]


async def sign_in_redirect(_: Request, __: Any) -> Response:
    return RedirectResponse("/console/login", status_code=303)

"""Use case: one PDF with every issued certificate of a round, one per page (A4
landscape), for printing before the ceremony. Drawn again from the layout rather than
stitched from the stored files: the same lines, one font embedded once."""

import asyncio
from dataclasses import dataclass
from datetime import datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.certificates.issue import certificate_fields
from handlers.certificates.layout import Layout
from handlers.certificates.render import render_pdf
from handlers.shared.texts import Texts
from storage.audit.events import record_event, record_shown
from storage.certificates.records import (
    certificate_with_round,
    certificates_of,
)
from storage.models import CommendationRound
from storage.org.access import load_scope
from storage.rounds.rounds import honoured_items


@dataclass(frozen=True)
class Batch:
    reason: str = ""  # not_found, forbidden, none
    pdf: bytes = b""
    pages: int = 0


async def round_batch(session: AsyncSession, *, round_id: int, staff_id: int,
                      layout: Layout, texts: Texts, now: datetime) -> Batch:
    """Commits its audit row (the file names every honoured person); nothing issued yet
    is nothing shown."""
    sitting = await session.get(CommendationRound, round_id)
    if sitting is None or sitting.id is None:
        return Batch("not_found")
    if not (await load_scope(session, staff_id)).can_decide(sitting.unit_id):
        record_event(session, action="certificates_print", staff_id=staff_id, via="console",
                     now=now, target=f"round:{round_id}", allowed=False,
                     detail={"round": sitting.name})
        await session.commit()
        return Batch("forbidden")
    issued = await certificates_of(session, sitting.id)
    pages, shown = [], []
    for item, nomination in await honoured_items(session, sitting.id):
        certificate = issued.get(item.id or 0)
        if certificate is not None and nomination.id is not None:
            pages.append(await certificate_fields(session, sitting, item, nomination,
                                                  certificate.number, texts))
            shown.append(nomination.id)
    if not pages:
        return Batch("none")
    await record_shown(session, action="certificates_print", staff_id=staff_id, via="console",
                       now=now, nomination_ids=shown,
                       detail={"round": sitting.name, "pages": len(pages)})
    await session.commit()
    pdf = await asyncio.to_thread(render_pdf, layout, pages)
    return Batch(pdf=pdf, pages=len(pages))


@dataclass(frozen=True)
class OneFile:
    reason: str = ""  # not_found, forbidden
    sha256: str = ""


async def certificate_file(session: AsyncSession, *, certificate_id: int, pdf: bool,
                           staff_id: int, now: datetime) -> OneFile:
    """One stored certificate (the PDF or the picture) for staff over the round's unit;
    commits its audit row."""
    found = await certificate_with_round(session, certificate_id)
    if found is None:
        return OneFile("not_found")
    certificate, sitting, nomination_id = found
    allowed = (await load_scope(session, staff_id)).can_decide(sitting.unit_id)
    record_event(session, action="certificate_open", staff_id=staff_id, via="console", now=now,
                 nomination_id=nomination_id, allowed=allowed,
                 detail={"round": sitting.name, "number": certificate.number})
    await session.commit()
    if not allowed:
        return OneFile("forbidden")
    return OneFile(sha256=certificate.pdf_sha256 if pdf else certificate.png_sha256)

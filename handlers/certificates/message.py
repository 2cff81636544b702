"""An outbox row of kind "certificate" → the message: a few words, the certificate's
picture, and its PDF where the channel takes files (Telegram)."""

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.privacy.nominee_consent import may_publish
from handlers.shared.messages import Reply
from handlers.shared.texts import Texts
from storage.delivery.outbox import Claimed
from storage.models import Certificate, Nomination, RoundItem


async def certificate_message(session: AsyncSession, row: Claimed,
                              texts: Texts) -> Reply | None:
    certificate = await session.get(Certificate, int(row.payload["certificate_id"]))
    item = await session.get(RoundItem, certificate.round_item_id) if certificate else None
    nomination = await session.get(Nomination, item.nomination_id) if item else None
    if certificate is None or item is None or nomination is None:
        return None
    audience = str(row.payload.get("audience", "nominator"))
    # Consent withdrawn between queueing and sending shuts the group door still.
    if audience == "group" and not may_publish(nomination):
        return None
    locale = str(row.payload.get("locale", texts.default_locale))
    text = texts.get(locale, f"certificates.notice.{audience}", name=nomination.nominee_name,
                     number=certificate.number, reference=nomination.reference)
    return Reply(text.strip(), extra={
        "certificate_sha256": certificate.png_sha256,
        "document_sha256": certificate.pdf_sha256,
        "document_name": f"giay-khen-{certificate.number.replace('/', '-')}.pdf",
        # The web chat takes no file: its page shows a link to the nominator's own copy.
        "download_path": download_path(certificate.id or 0),
        "download_label": texts.get(locale, "certificates.download").strip(),
        "locale": locale})


def download_path(certificate_id: int) -> str:
    return f"/chat/certificates/{certificate_id}.pdf"

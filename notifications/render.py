"""Outbox row → the message to send, by kind. Rendered at send time from the database."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.certificates.message import certificate_message
from handlers.contest.jury_reminders import judge_reminder_reply
from handlers.contest.progress import reminder_reply as contest_reminder_reply
from handlers.contest.progress import section_lines
from handlers.contest.results import result_reply
from handlers.intake.menu import remember_notice_menu
from handlers.publication.digest import KIND as EXEMPLAR_DIGEST
from handlers.publication.digest import digest_reply
from handlers.review.card import review_card
from handlers.review.private_card import private_card
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.texts import Texts
from handlers.units.announcements import ZALO_PICTURE_TEXT, picture_page
from handlers.units.deadlines import reminder_reply
from handlers.units.tally import TallyRow, table_lines
from storage.delivery.outbox import Claimed
from storage.models import Nomination

Render = Callable[[AsyncSession, Claimed], Awaitable[Reply | None]]


def make_renderer(texts: Texts, *, console_url: str) -> Render:
    async def render(session: AsyncSession, row: Claimed) -> Reply | None:
        if row.kind == "review_card" and "staff_id" in row.payload:
            return await private_review_card(session, row, texts, console_url=console_url)
        if row.kind == "review_card":
            return await review_card(session, int(row.payload["nomination_id"]), texts=texts,
                                     console_url=console_url,
                                     possible=row.payload.get("possible"))
        if row.kind == "decision":
            return await decision_notice(session, row, texts)
        if row.kind == "digest":
            return digest_message(row, texts, console_url=console_url)
        if row.kind == "deadline":
            return reminder_reply(row.payload, texts)
        if row.kind == "tally":
            return tally_message(row, texts)
        if row.kind == "announcement":
            return announcement_message(row)
        if row.kind == EXEMPLAR_DIGEST:
            return await digest_reply(session, row.payload, texts)
        if row.kind == "privacy_reply":
            data = row.payload
            locale = str(data.get("locale", texts.default_locale))
            return Reply(texts.get(locale, "privacy.answer", reference=data["reference"],
                                   kind=texts.get(locale, f"privacy.kind.{data['kind']}"),
                                   answer=data["answer"]).strip())
        if row.kind == "certificate":
            return await certificate_message(session, row, texts)
        if row.kind == "tally_nudge":
            return Reply(texts.get(texts.default_locale, "tally.nudge", **{
                k: row.payload[k] for k in ("campaign", "unit", "year_to_date", "due",
                                            "quota")}).strip())
        if row.kind in ("contest_reminder", "contest_nudge"):
            return contest_reminder_reply(row.kind, row.payload, texts)
        if row.kind == "judging_reminder":
            return judge_reminder_reply(row.payload, texts, console_url=console_url)
        if row.kind == "contest_result":
            return result_reply(row.payload, texts)
        raise ValueError(f"no renderer for outbox kind {row.kind!r}")

    return render


async def private_review_card(session: AsyncSession, row: Claimed, texts: Texts, *,
                              console_url: str) -> Reply | None:
    """One reviewer's card in their private chat: its numbers become their menu."""
    reply = await private_card(session, channel=row.channel, chat_id=row.chat_id,
                               payload=row.payload, texts=texts, console_url=console_url,
                               now=datetime.now(UTC))
    if reply is not None:
        await remember_notice_menu(session, channel=row.channel, user_id=row.chat_id,
                                   reply=reply)
    return reply


async def decision_notice(session: AsyncSession, row: Claimed, texts: Texts) -> Reply | None:
    nomination = await session.get(Nomination, int(row.payload["nomination_id"]))
    if nomination is None:
        return None
    locale = str(row.payload.get("locale", "vi"))
    text = texts.get(locale, f"decision.{row.payload['status']}",
                     reference=nomination.reference, nominee=nomination.nominee_name,
                     reason=row.payload.get("reason", ""))
    if row.payload.get("as") == "supporter":  # they added to it, or theirs was merged in
        intro = texts.get(locale, "decision.supporter_intro", reference=nomination.reference)
        return Reply(f"{intro.strip()}\n{text.strip()}")
    if row.payload["status"] == "needs_info":  # they answer right here, in the chat
        button = Button(texts.get(locale, "answer.button", channel=row.channel),
                        f"answer:{nomination.id}")
        reply = Reply(text.strip(), rows([button]), extra={"locale": locale})
        await remember_notice_menu(session, channel=nomination.channel,
                                   user_id=nomination.submitter_user_id, reply=reply)
        return reply
    return Reply(text.strip())


def digest_message(row: Claimed, texts: Texts, *, console_url: str) -> Reply:
    """The morning digest, from the figures taken when it was queued."""
    locale = texts.default_locale
    counts = row.payload["by_status"]
    lines = [texts.get(locale, "digest.title", unit=row.payload["unit"], day=row.payload["day"])]
    lines += [texts.get(locale, f"digest.{status}", count=counts[status])
              for status in ("submitted", "in_review", "needs_info", "verified")]
    if row.payload["overdue"]:
        lines.append(texts.get(locale, "digest.overdue", count=row.payload["overdue"],
                               oldest=", ".join(row.payload["oldest_overdue"])))
    else:
        lines.append(texts.get(locale, "digest.none_overdue"))
    if row.payload.get("privacy_overdue"):
        lines.append(texts.get(locale, "digest.privacy_overdue",
                               count=row.payload["privacy_overdue"],
                               url=f"{console_url}/privacy"))
    lines.append(texts.get(locale, "digest.link", url=f"{console_url}?overdue=1"))
    return Reply("\n".join(line.strip() for line in lines))


def tally_message(row: Claimed, texts: Texts) -> Reply:
    """The unit's peers' table, the unit marked; the chart goes with it as a picture."""
    data = row.payload
    lines = [texts.get(texts.default_locale, "tally.heading", campaign=data["campaign"],
                       month=data["month"]),
             *table_lines(texts, [TallyRow(**r) for r in data["rows"]], mine=data["unit"]),
             *section_lines(texts, data.get("contests", []), mine=data["unit"])]
    extra = {"chart_sha256": data["chart_sha256"]} if data.get("chart_sha256") else {}
    return Reply("\n".join(line.strip() for line in lines), extra=extra)


def announcement_message(row: Claimed) -> Reply:
    """Staff's own words as they wrote them; a picture goes with them where there is one
    (on Zalo with a console link where staff see it, if Zalo cannot fetch it)."""
    data = row.payload
    extra: dict[str, str] = {}
    if data.get("image_sha256"):
        extra = {"image_sha256": data["image_sha256"], "picture_text": ZALO_PICTURE_TEXT,
                 "picture_page": picture_page(int(data["announcement_id"]))}
    return Reply(str(data["text"]), extra=extra)

"""Use case: "Dữ liệu của tôi" (the menu, or /privacy), on every channel.

The notice every resident accepts promises "Bạn có thể yêu cầu xem, sửa hoặc xoá dữ liệu
bất cứ lúc nào". Here they see what is held about them at once; asking for a full copy,
a correction or erasure, or withdrawing consent, is recorded as a request, acknowledged
with its reference in the same turn, and answered by a privacy officer on this channel.
Withdrawing consent takes effect at once: a new nomination asks for it again.
"""

from datetime import datetime, timedelta

from handlers.shared.messages import Reply, rows
from handlers.shared.turn import TIMEZONE, RoomStep, Turn
from handlers.shared.working_time import working_days_after
from storage.audit.events import record_event
from storage.privacy.requests import open_request, person_data, withdraw_consents
from storage.shared.db import as_utc

PREFIX = "privacy:"
CORRECTING = "privacy_correct"  # the step: "what should be corrected?"
RETURN_KEY = "_privacy_return"


def _when(moment: datetime) -> str:
    return as_utc(moment).astimezone(TIMEZONE).strftime("%d/%m/%Y %H:%M")


async def pressed(turn: Turn) -> list[Reply]:
    action = (turn.inbound.payload or "").removeprefix(PREFIX)
    if action == "open":
        return await show(turn)
    if action == "access":
        return await _request(turn, "access")
    if action == "correct":
        if turn.conversation.step != CORRECTING:
            turn.draft[RETURN_KEY] = turn.conversation.step
        turn.conversation.step = CORRECTING
        return await ask_correction(turn)
    if action in ("erase", "withdraw"):
        return [Reply(turn.t(f"privacy.confirm_{action}"), rows([
            turn.button(f"privacy.button.{action}_yes", f"{PREFIX}{action}:yes"),
            turn.button("privacy.button.keep", f"{PREFIX}keep")]))]
    if action == "erase:yes":
        return await _request(turn, "erase")
    if action == "withdraw:yes":
        await withdraw_consents(turn.session, channel=turn.inbound.channel,
                                user_id=turn.inbound.user_id, now=turn.now)
        record_event(turn.session, action="privacy_withdraw", staff_id=None,
                     via=turn.inbound.channel, external_id=turn.inbound.user_id, now=turn.now,
                     target=f"resident:{turn.inbound.channel}:{turn.inbound.user_id}")
        if turn.conversation.step is not None:  # a draft needs the consent just withdrawn
            turn.draft.clear()
            turn.conversation.step = None
        return await _request(turn, "withdraw")
    return [turn.reply("privacy.kept")]


async def show(turn: Turn) -> list[Reply]:
    """What is held about this person, from their consents to their requests."""
    held = await person_data(turn.session, channel=turn.inbound.channel,
                             user_id=turn.inbound.user_id)
    lines = [turn.t("privacy.heading")]
    for consent in held.consents:
        key = "privacy.consent_withdrawn" if consent.withdrawn_at else "privacy.consent"
        lines.append(turn.t(key, version=consent.notice_version,
                            date=_when(consent.accepted_at),
                            withdrawn=_when(consent.withdrawn_at)
                            if consent.withdrawn_at else ""))
    for own in held.nominations:
        lines.append(turn.t("privacy.nomination", reference=own.reference,
                            name=own.nominee_name, status=turn.t(f"status.{own.status}"),
                            submitter=own.submitter_name, phone=own.submitter_phone))
    lines += [turn.t("privacy.supported", reference=other.reference,
                     status=turn.t(f"status.{other.status}")) for other in held.supported]
    lines += [turn.t("privacy.request", reference=request.reference,
                     kind=turn.t(f"privacy.kind.{request.kind}"),
                     status=turn.t(f"privacy.status.{request.status}"),
                     due=_when(request.settle_by)) for request in held.requests]
    if len(lines) == 1:
        lines.append(turn.t("privacy.nothing"))
    buttons = [turn.button(f"privacy.button.{action}", f"{PREFIX}{action}")
               for action in ("access", "correct", "erase", "withdraw")]
    return [Reply("\n".join(lines), rows(buttons, 2))]


async def ask_correction(turn: Turn) -> list[Reply]:
    return [Reply(turn.t("privacy.ask_correct"), rows([
        turn.button("privacy.button.keep", f"{PREFIX}keep")]))]


async def correction(turn: Turn) -> list[Reply]:
    """The answer at "what should be corrected?": the request, then where they were."""
    text = (turn.inbound.text or "").strip()
    turn.conversation.step = turn.draft.pop(RETURN_KEY, None)
    if turn.inbound.payload is not None or not text or text.startswith("/"):
        return [turn.reply("privacy.kept")]
    return await _request(turn, "correct", detail=text)


async def _request(turn: Turn, kind: str, *, detail: str = "") -> list[Reply]:
    inbound = turn.inbound
    request = await open_request(
        turn.session, kind=kind, channel=inbound.channel, user_id=inbound.user_id,
        chat_id=inbound.chat_id, locale=turn.locale, detail=detail, now=turn.now,
        acknowledge_by=working_days_after(turn.now, turn.services.privacy_acknowledge_days),
        settle_by=turn.now + timedelta(days=turn.services.privacy_settle_days))
    return [turn.reply(f"privacy.received.{kind}", reference=request.reference,
                       due=_when(request.settle_by))]


ROOM_STEPS = {CORRECTING: RoomStep(answer=correction, prompt=ask_correction)}

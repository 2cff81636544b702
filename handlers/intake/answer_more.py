"""The nominator answers a "needs more information" request, in the same chat.

The decision notice carries a button `answer:<id>`; from there, what the person writes or
photographs goes onto that nomination, and "Gửi bổ sung" puts it back in review.
"""

from handlers.intake.own_nomination import own_nomination
from handlers.intake.steps import store_sent_photo
from handlers.shared.messages import Button, Reply, rows
from handlers.shared.turn import Turn
from storage.intake.nominations import attach_photos
from storage.intake.status import audit, change_status
from storage.media.store import MediaRejected

ANSWERING = "answering"
MAX_ANSWER_CHARS = 2000


async def start_answering(turn: Turn, payload: str) -> list[Reply]:
    nomination = await own_nomination(turn, payload.removeprefix("answer:"))
    if nomination is None or nomination.status != "needs_info":
        return [turn.reply("answer.not_waiting")]
    turn.conversation.step = ANSWERING
    turn.draft["_answering"] = {"id": nomination.id, "text": "", "photos": []}
    return [Reply(turn.t("answer.ask", reference=nomination.reference), _buttons(turn))]


async def answering_prompt(turn: Turn) -> list[Reply]:
    state = turn.draft.get("_answering") or {}
    return [Reply(turn.t("answer.again"), _buttons(turn) if state else ())]


async def answering(turn: Turn) -> list[Reply]:
    inbound, state = turn.inbound, turn.draft.get("_answering")
    if not state:
        turn.conversation.step = None
        return [turn.reply("answer.not_waiting")]
    if inbound.payload == "answer:send":
        return await _send(turn, state)
    if inbound.photo is not None:
        try:
            photo_id = await store_sent_photo(turn)
        except MediaRejected as exc:
            return [Reply(turn.t(f"photo_rejected.{exc.reason}"), _buttons(turn))]
        state["photos"] = [*state["photos"], photo_id]
        return [Reply(turn.t("answer.got_photo", count=len(state["photos"])), _buttons(turn))]
    if inbound.text and inbound.text.strip():
        state["text"] = (state["text"] + "\n" + inbound.text.strip()).strip()[:MAX_ANSWER_CHARS]
        return [Reply(turn.t("answer.got_text"), _buttons(turn))]
    return await answering_prompt(turn)


async def _send(turn: Turn, state: dict[str, object]) -> list[Reply]:
    nomination = await own_nomination(turn, str(state["id"]))
    text, photos = str(state["text"]), list(state["photos"])  # type: ignore[call-overload]
    if nomination is None or nomination.id is None:
        return [turn.reply("answer.not_waiting")]
    if not text and not photos:
        return [Reply(turn.t("answer.empty"), _buttons(turn))]
    if not await change_status(turn.session, nomination.id, allowed_from={"needs_info"},
                               to="in_review"):
        turn.draft.pop("_answering", None)
        turn.conversation.step = None
        return [turn.reply("answer.not_waiting")]
    await attach_photos(turn.session, photos, nomination_id=nomination.id,
                        channel=turn.inbound.channel, user_id=turn.inbound.user_id)
    note = text + (f"\n[+{len(photos)} ảnh]" if photos else "")
    audit(turn.session, nomination_id=nomination.id, action="resident_answer",
          from_status="needs_info", to_status="in_review", allowed=True, staff_id=None,
          via=turn.inbound.channel, external_id=turn.inbound.user_id, reason=note.strip(),
          now=turn.now)
    turn.draft.pop("_answering", None)
    turn.conversation.step = None
    return [turn.reply("answer.sent", reference=nomination.reference)]


def _buttons(turn: Turn) -> tuple[tuple[Button, ...], ...]:
    return rows([turn.button("answer.send_button", "answer:send")])

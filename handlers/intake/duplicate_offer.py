"""Before a nomination is created: "this person may already be proposed".

The resident can add what they know to the existing nomination (their text and photos go
onto it, for staff to read) or submit a new one anyway, which staff then see flagged.
"""

from handlers.shared.messages import Reply, rows
from handlers.shared.turn import Turn
from storage.intake.duplicates import draft_photo_hashes, likely_duplicates
from storage.intake.nominations import attach_photos
from storage.intake.status import audit
from storage.intake.supporters import add_supporter
from storage.models import Nomination
from storage.org.unit_tree import get_unit


def masked(name: str) -> str:
    """"Nguyễn Văn Tuấn" → "Nguyễn V. T.": enough to recognise the family name one has
    in mind, not enough to learn a stranger's."""
    words = name.split()
    return " ".join([words[0], *(f"{word[0]}." for word in words[1:])]) if words else name


async def duplicate_offer(turn: Turn) -> list[Reply] | None:
    """The offer to show, or None when nothing looks like this draft (or it was seen)."""
    draft = turn.draft
    if draft.get("_dup_checked"):
        return None
    matches = await likely_duplicates(
        turn.session, unit_id=int(draft["unit_id"]), nominee_name=str(draft["nominee_name"]),
        deed=str(draft["deed"]), now=turn.now,
        photo_hashes=await draft_photo_hashes(turn.session, list(draft.get("photos", []))))
    # Kept for the staff card: the check is not run a second time when the card is sent.
    draft["_dup_refs"] = [m.nomination.reference for m in matches]
    if not matches:
        return None
    draft["_dup_offer"] = [m.nomination.id for m in matches]
    lines = [turn.t("duplicate.intro")]
    buttons = []
    for match in matches:
        unit = await get_unit(turn.session, match.nomination.unit_id)
        # A stranger's full name only to a neighbour of the same residential group.
        name = match.nomination.nominee_name
        shown = name if match.nomination.unit_id == int(draft["unit_id"]) else masked(name)
        lines.append(turn.t("duplicate.line", reference=match.nomination.reference,
                            name=shown, unit=unit.name if unit else "?"))
        buttons.append(turn.button("duplicate.add", f"dup:add:{match.nomination.id}",
                                   reference=match.nomination.reference))
    buttons.append(turn.button("duplicate.new", "dup:new"))
    return [Reply("\n".join(lines), rows(buttons))]


async def add_to_existing(turn: Turn, payload: str) -> list[Reply] | None:
    """`dup:add:<id>`: the draft's deed and photos join that nomination. None if the id
    was not offered (an old button)."""
    raw = payload.removeprefix("dup:add:")
    offered = turn.draft.get("_dup_offer") or []
    if not raw.isdigit() or int(raw) not in offered:
        return None
    nomination = await turn.session.get(Nomination, int(raw))
    if nomination is None or nomination.id is None:
        return None
    photos = list(turn.draft.get("photos", []))
    await add_supporter(turn.session, nomination.id, channel=turn.inbound.channel,
                        user_id=turn.inbound.user_id, chat_id=turn.inbound.chat_id,
                        locale=turn.locale, now=turn.now)
    await attach_photos(turn.session, photos, nomination_id=nomination.id,
                        channel=turn.inbound.channel, user_id=turn.inbound.user_id)
    note = turn.t("duplicate.note", submitter=turn.draft.get("submitter_name", "?"),
                  phone=turn.draft.get("submitter_phone", "?"), deed=turn.draft.get("deed", ""),
                  photos=len(photos))
    audit(turn.session, nomination_id=nomination.id, action="resident_addition",
          from_status=None, to_status=None, allowed=True, staff_id=None,
          via=turn.inbound.channel, external_id=turn.inbound.user_id, reason=note[:2000],
          now=turn.now)
    turn.draft.clear()
    turn.conversation.step = None
    return [Reply(turn.t("duplicate.added", reference=nomination.reference), rows([
        turn.button("button.my", "cmd:my"), turn.button("button.new", "cmd:start")]))]

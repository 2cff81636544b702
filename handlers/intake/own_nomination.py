"""A resident acting on a nomination they proposed (answering, withdrawing)."""

from handlers.shared.turn import Turn
from storage.models import Nomination


async def own_nomination(turn: Turn, raw_id: str) -> Nomination | None:
    """Only the person who proposed it, on the channel they used, may act on it."""
    if not raw_id.isdigit():
        return None
    nomination = await turn.session.get(Nomination, int(raw_id))
    if nomination is None or nomination.channel != turn.inbound.channel or \
            nomination.submitter_user_id != turn.inbound.user_id:
        return None
    return nomination

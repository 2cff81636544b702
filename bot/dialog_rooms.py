"""What other capabilities answer inside the dialog: a staff member's typed choice on a
review card, "Dữ liệu của tôi". The dialog (handlers.intake) may not import them; the
composition root hands them over through Services, and the tests use the same wiring."""

from typing import Any

from handlers.contest.dialog import PREFIX as CONTEST_PRESS
from handlers.contest.dialog import ROOM_STEPS as CONTEST_STEPS
from handlers.contest.dialog import menu_extra as contest_menu
from handlers.contest.dialog import pressed as contest_pressed
from handlers.org.staff_links import COMMAND as LINK_ACCOUNT
from handlers.org.staff_links import link_account
from handlers.privacy.chat import PREFIX as PRIVACY_PRESS
from handlers.privacy.chat import ROOM_STEPS as PRIVACY_STEPS
from handlers.privacy.chat import pressed as privacy_pressed
from handlers.review.by_message import decide_typed
from handlers.review.card import REVIEW_PRESS


def dialog_rooms() -> dict[str, Any]:
    """Services' `presses`, `steps`, `commands` and `menu_extra`."""
    return {"presses": {REVIEW_PRESS: decide_typed, PRIVACY_PRESS: privacy_pressed,
                        CONTEST_PRESS: contest_pressed},
            "steps": {**PRIVACY_STEPS, **CONTEST_STEPS},
            "commands": {LINK_ACCOUNT: link_account}, "menu_extra": contest_menu}

"""Hà Nội's size: 126 wards of 40 residential groups each. A resident still finds her tổ
dân phố: at most eight units a screen with "Xem thêm" for the next, typing part of a name
at any screen, and the choice confirmed as its path ("Phường 7 › Tổ dân phố số 17")."""

import pytest

from storage.org.file import OrgSpec
from storage.org.loader import load_org
from tests.intake.test_dialog_rules import reach
from tests.support.chat import Chat

WARDS, GROUPS = 126, 40


def ha_noi() -> OrgSpec:
    wards = [{"code": f"p{w}", "name": f"Phường {w}", "kind": "ward",
              "children": [{"code": f"p{w}-t{g}", "name": f"Tổ dân phố số {g} Phường {w}",
                            "kind": "residential_group"} for g in range(1, GROUPS + 1)]}
             for w in range(1, WARDS + 1)]
    return OrgSpec.model_validate({"name": "Thành phố Hà Nội", "units": [
        {"code": "ha-noi", "name": "Thành phố Hà Nội", "kind": "province", "children": wards}]})


@pytest.fixture
async def city(empty_db):
    async with empty_db.sessions() as session:
        await load_org(session, ha_noi())
    return empty_db


def units_on_screen(chat: Chat) -> list[str]:
    return [label for label in chat.buttons() if label.startswith(("Phường", "Tổ dân phố"))]


async def test_a_city_of_126_wards_is_paged_eight_at_a_time(city, services):
    hoa = Chat(city.sessions, services, user_id="hoa")
    await reach(hoa, "unit_id")
    assert "đơn vị nào" in hoa.text()
    assert units_on_screen(hoa) == [f"Phường {w} ›" for w in range(1, 9)]
    await hoa.press("Xem thêm (đã xem 8/126)")
    assert units_on_screen(hoa) == [f"Phường {w} ›" for w in range(9, 17)]
    await hoa.press("Phường 12 ›")
    assert units_on_screen(hoa) == [f"Tổ dân phố số {g} Phường 12" for g in range(1, 9)]
    for _ in range(2):
        await hoa.press("Xem thêm")
    assert units_on_screen(hoa) == [f"Tổ dân phố số {g} Phường 12" for g in range(17, 25)]
    await hoa.press("Tổ dân phố số 17 Phường 12")
    assert "Đơn vị: Phường 12 › Tổ dân phố số 17 Phường 12." in hoa.text()


async def test_typing_finds_a_group_among_five_thousand(city, services):
    lan = Chat(city.sessions, services, user_id="lan")
    await reach(lan, "unit_id")
    await lan.press("Xem thêm")
    await lan.say("to dan pho so 33 phuong 101")  # no accents, any screen
    assert "Đơn vị: Phường 101 › Tổ dân phố số 33 Phường 101." in lan.text()


async def test_the_last_page_has_no_more(city, services):
    minh = Chat(city.sessions, services, user_id="minh")
    await reach(minh, "unit_id")
    for _ in range(15):
        await minh.press("Xem thêm")
    assert units_on_screen(minh) == [f"Phường {w} ›" for w in range(121, 127)]
    assert not any("Xem thêm" in label for label in minh.buttons())

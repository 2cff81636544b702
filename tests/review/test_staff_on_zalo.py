"""Who gets a review card in a private Zalo chat, and which card a typed number acts on."""

from datetime import UTC, datetime

import yaml
from sqlmodel import select

from handlers.intake.conversation import handle
from handlers.review.by_message import decide_typed
from handlers.review.card import REVIEW_PRESS
from handlers.shared.messages import Inbound
from handlers.shared.turn import Services
from notifications.render import make_renderer
from storage.delivery.outbox import Claimed
from storage.media.store import MediaStore
from storage.models import Nomination, Unit
from storage.org.file import OrgSpec
from storage.org.loader import load_org
from storage.org.reviewers import private_reviewers
from storage.org.staff_auth import staff_for_account
from tests.conftest import ORG_DEMO
from tests.support.nominations import add_nomination
from tests.zalo.staff_story import AN, KHOA

NOW = datetime(2026, 10, 20, 3, 0, tzinfo=UTC)
VIEWER = {"username": "ngocha.vy", "full_name": "Hà Thị Vy", "accounts": {"zalo": "z-vy"},
          "roles": [{"role": "viewer", "unit": "ngoc-ha"}]}
BOTH = {"username": "ngocha.duc", "full_name": "Lê Minh Đức",
        "accounts": {"zalo": "z-duc", "telegram": "5000000099"},
        "roles": [{"role": "reviewer", "unit": "ngoc-ha"}]}


async def _with_staff(db) -> None:
    org = yaml.safe_load(ORG_DEMO.read_text(encoding="utf-8"))
    org["staff"] += [AN, KHOA, VIEWER, BOTH]
    async with db.sessions() as session:
        await load_org(session, OrgSpec.model_validate(org))


async def _unit(session, code: str) -> int:
    unit_id = (await session.exec(select(Unit.id).where(Unit.code == code))).one()
    assert unit_id is not None
    return unit_id


async def test_only_zalo_only_reviewers_whose_role_covers_the_unit_get_it(db):
    await _with_staff(db)
    async with db.sessions() as session:
        tdp = await _unit(session, "ngoc-ha-tdp-2")  # a role holds over the subtree
        found = await private_reviewers(session, tdp, channel="zalo",
                                        group_channels={"telegram"})
        # Đức sees it in Ngọc Hà's Telegram group; Vy only views; Khoa is Kim Mã's.
        assert [r.chat_id for r in found] == ["z-ngocha-an"]
        alone = await private_reviewers(session, tdp, channel="zalo", group_channels=set())
        # With no Telegram group to see it in, Đức gets it privately too.
        assert sorted(r.chat_id for r in alone) == ["z-duc", "z-ngocha-an"]


async def test_a_number_acts_on_the_latest_card_only(db, texts, tmp_path):
    await _with_staff(db)
    services = Services(texts=texts, media=MediaStore(tmp_path / "media"),
                        presses={REVIEW_PRESS: decide_typed})
    render = make_renderer(texts, console_url="https://phuong.example/console")
    async with db.sessions() as session:
        an = await staff_for_account(session, channel="zalo", external_id="z-ngocha-an")
        assert an is not None and an.id is not None
        staff_id = an.id
        first = await add_nomination(session, unit="ngoc-ha", name="Lê Thị Mai",
                                     deed="Nấu cơm cho bệnh nhân nghèo.")
        second = await add_nomination(session, unit="ngoc-ha", name="Phạm Văn Tâm",
                                      deed="Sửa xe miễn phí cho học sinh.")
        await session.commit()
        cards = []
        for n, nomination in enumerate((first, second)):
            cards.append(await render(session, Claimed(
                n + 1, "review_card", "zalo", "z-ngocha-an",
                {"nomination_id": nomination.id, "staff_id": staff_id, "possible": []}, 0)))
        assert cards[1] is not None and second.reference in cards[1].text.splitlines()[-1]

        said = await handle(Inbound(channel="zalo", user_id="z-ngocha-an",
                                    chat_id="z-ngocha-an", text="1"),
                            session=session, now=NOW, services=services)
        assert f"đề xuất {second.reference}" in said[0].text
        forged = await handle(Inbound(channel="zalo", user_id="z-ngocha-an",
                                      chat_id="z-ngocha-an", payload=f"rv:take:{first.id}"),
                              session=session, now=NOW, services=services)
        assert "mới nhất" in forged[0].text
        session.expire_all()  # decisions are conditional updates, not ORM writes
        statuses = {n.reference: n.status for n in (await session.exec(select(Nomination)))}
    assert statuses == {first.reference: "submitted", second.reference: "in_review"}

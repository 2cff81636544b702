"""Staff bind their unit's Telegram group with a one-time code; the binding survives the
organisation file being reloaded; only the unit's staff may unbind it; a group that
removed the bot is marked inactive."""

import itertools
import re
import time
from datetime import UTC, datetime, timedelta

from sqlmodel import select

from handlers.units.group_links import make_link_code
from storage.models import UnitChat
from storage.org.file import read_org_file
from storage.org.loader import load_org
from storage.org.unit_tree import unit_by_code
from storage.units.calendar_file import load_calendar, read_calendar_file
from tests.conftest import ORG_DEMO
from tests.support.fake_telegram import BOT_ID
from tests.support.process import run_cli

NEW_GROUP = -1002000000555
PEOPLE = {"noivu.lan": 5000000001, "phucxa.hung": 5000000002, "a stranger": 7777}
ids = itertools.count(1)


async def in_group(channel, fake, who: str, text: str, group: int = NEW_GROUP) -> str:
    """`who` types `text` in the group; returns what the bot answered there."""
    before = len(fake.sent_to(group))
    await channel.accept([{"update_id": next(ids), "message": {
        "message_id": next(ids), "date": int(time.time()), "text": text,
        "entities": [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}],
        "chat": {"id": group, "type": "supergroup", "title": "Tổ công tác Kim Mã"},
        "from": {"id": PEOPLE[who], "is_bot": False, "first_name": who}}}])
    await channel.worker.idle()
    await channel.replies.flush()
    return "\n".join(c.params["text"] for c in fake.sent_to(group)[before:])


async def bot_status(channel, status: str, group: int = NEW_GROUP) -> None:
    member = {"user": {"id": BOT_ID, "is_bot": True, "first_name": "NTVT"}, "status": status}
    await channel.accept([{"update_id": next(ids), "my_chat_member": {
        "chat": {"id": group, "type": "supergroup", "title": "Tổ công tác Kim Mã"},
        "from": {"id": PEOPLE["noivu.lan"], "is_bot": False, "first_name": "Lan"},
        "date": int(time.time()),
        "old_chat_member": {**member, "status": "member"},
        "new_chat_member": {**member, **({"until_date": 0} if status == "kicked" else {})}}}])
    await channel.worker.idle()


async def code_for(db, unit: str, *, now: datetime | None = None) -> str:
    async with db.sessions() as session:
        found = await unit_by_code(session, unit)
        assert found is not None
        return await make_link_code(session, unit=found, staff_id=None,
                                    now=now or datetime.now(UTC))


async def linked(db, group: int = NEW_GROUP) -> list[tuple[str, bool, str]]:
    async with db.sessions() as session:
        rows = (await session.exec(select(UnitChat).where(
            UnitChat.chat_id == str(group)))).all()
        return [(str(r.unit_id), r.active, r.source) for r in rows]


async def test_a_code_links_the_group_once_and_survives_reloading_the_org_file(
        db, fake, channel):
    code = await code_for(db, "kim-ma")
    answer = await in_group(channel, fake, "noivu.lan", f"/link {code.lower()}")
    assert "Đã liên kết nhóm này với Phường Kim Mã" in answer
    [(unit, active, source)] = await linked(db)
    assert (active, source) == (True, "link")

    other = await in_group(channel, fake, "noivu.lan", f"/link {code}", group=-1002000000777)
    assert "không đúng, đã dùng hoặc đã hết hạn" in other  # one group per code
    assert await linked(db, -1002000000777) == []

    async with db.sessions() as session:
        await load_org(session, read_org_file(ORG_DEMO))  # what every start does
    assert await linked(db) == [(unit, True, "link")]


async def test_an_expired_or_made_up_code_links_nothing(db, fake, channel):
    old = await code_for(db, "kim-ma", now=datetime.now(UTC) - timedelta(days=3))
    assert "đã hết hạn" in await in_group(channel, fake, "noivu.lan", f"/link {old}")
    assert "đã hết hạn" in await in_group(channel, fake, "noivu.lan", "/link ABCD-EFGH")
    assert "đã hết hạn" in await in_group(channel, fake, "noivu.lan", "/link")
    assert await linked(db) == []


async def test_only_the_unit_s_staff_may_unlink(db, fake, channel):
    await in_group(channel, fake, "noivu.lan", f"/link {await code_for(db, 'kim-ma')}")
    for outsider in ("a stranger", "phucxa.hung"):  # Phúc Xá's reviewer is not Kim Mã's
        answer = await in_group(channel, fake, outsider, "/unlink")
        assert "Chỉ cán bộ phụ trách đơn vị" in answer
    assert len(await linked(db)) == 1
    assert "Đã huỷ liên kết nhóm với: Phường Kim Mã" in await in_group(
        channel, fake, "noivu.lan", "/unlink")
    assert await linked(db) == []


async def test_a_group_that_removed_the_bot_is_inactive_until_it_adds_it_back(
        db, fake, channel):
    await in_group(channel, fake, "noivu.lan", f"/link {await code_for(db, 'kim-ma')}")
    await bot_status(channel, "kicked")
    assert [row[1] for row in await linked(db)] == [False]
    await bot_status(channel, "member")
    assert [row[1] for row in await linked(db)] == [True]


async def test_the_cli_makes_a_code_for_a_unit_of_the_org_file(tmp_path):
    database = f"sqlite+aiosqlite:///{tmp_path / 'ntvt.db'}"
    await run_cli(tmp_path, database, "load-org", str(ORG_DEMO))
    status, output = await run_cli(tmp_path, database, "link-code", "kim-ma")
    assert status == 0 and re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}\n", output)
    status, _ = await run_cli(tmp_path, database, "link-code", "no-such-unit")
    assert status != 0


async def kim_ma_group_with_the_plan(db, fake, channel) -> None:
    """The demo plan (deadlines, campaigns) loaded; the new group linked to Kim Mã."""
    async with db.sessions() as session:
        await load_calendar(session, read_calendar_file(ORG_DEMO.with_name(
            "calendar_demo.yaml")))
    await in_group(channel, fake, "noivu.lan", f"/link {await code_for(db, 'kim-ma')}")


async def test_deadlines_in_a_linked_group_lists_what_is_coming_for_its_unit(db, fake, channel):
    await kim_ma_group_with_the_plan(db, fake, channel)
    answer = await in_group(channel, fake, "noivu.lan", "/deadlines")
    assert "Việc sắp đến hạn của đơn vị" in answer
    assert "Tổng kết, bình xét đề nghị khen thưởng của Cụm thi đua – Phường Kim Mã" in answer
    unlinked = await in_group(channel, fake, "noivu.lan", "/deadlines", group=-1002000000888)
    assert "chưa liên kết" in unlinked


async def test_tally_in_a_linked_group_shows_its_cluster_s_live_figures(db, fake, channel):
    await kim_ma_group_with_the_plan(db, fake, channel)
    answer = await in_group(channel, fake, "noivu.lan", "/tally")
    assert "Người tốt, việc tốt 2026 – số liệu đến hôm nay" in answer
    assert "👉" in answer and "Phường Kim Mã: 0 / 0 / 18 (0%)" in answer
    assert answer.count("Phường ") == 14  # the wards' emulation cluster


async def test_a_command_in_a_forum_topic_is_answered_in_that_topic(channel, fake, db):
    """A ward's staff group with topics: /link typed in the "Người tốt, việc tốt" topic
    gets its answer there, not in the group's general thread."""
    code = await code_for(db, "kim-ma")
    await channel.accept([{"update_id": next(ids), "message": {
        "message_id": next(ids), "date": int(time.time()), "text": f"/link {code}",
        "message_thread_id": 77, "is_topic_message": True,
        "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        "chat": {"id": NEW_GROUP, "type": "supergroup", "title": "Phường Kim Mã",
                 "is_forum": True},
        "from": {"id": PEOPLE["noivu.lan"], "is_bot": False, "first_name": "Lan"}}}])
    await channel.worker.idle()
    [answer] = fake.sent_to(NEW_GROUP)
    assert "Kim Mã" in answer.params["text"]
    assert int(answer.params["message_thread_id"]) == 77

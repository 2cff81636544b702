"""Staff see the nominations of their own units, filter and search them, and open one."""

from datetime import UTC, datetime, timedelta

from sqlmodel import select

from storage.delivery.outbox import deactivate_chat
from storage.models import Unit
from tests.support.chat import NOW
from tests.support.nominations import add_nomination


async def seed(console):
    async with console.db.sessions() as session:
        phuc_xa = await add_nomination(
            session, unit="phuc-xa-tdp-1", name="Nguyễn Văn An", photos=2, media=console.media,
            deed="Ông An nhặt được ví tiền, mang đến công an phường trả lại người mất.")
        kim_ma = await add_nomination(
            session, unit="kim-ma", name="Trần Thị Bình", field="education", status="approved",
            deed="Bà Bình dạy miễn phí cho trẻ em khó khăn suốt mười năm.",
            created_at=NOW - timedelta(days=40))
    return phuc_xa, kim_ma


async def test_a_ward_reviewer_sees_only_their_ward(console):
    phuc_xa, kim_ma = await seed(console)
    await console.sign_in("phucxa.hung")
    queue = await console.client.get("/console")
    assert phuc_xa.reference in queue.text and kim_ma.reference not in queue.text
    mine = await console.client.get(f"/console/nominations/{phuc_xa.reference}")
    assert mine.status_code == 200 and "Ông An nhặt được ví tiền" in mine.text
    # Another ward's nomination answers like a missing one, photos too.
    assert (await console.client.get(f"/console/nominations/{kim_ma.reference}")
            ).status_code == 404


async def test_photos_are_served_only_to_staff_who_may_see_them(console):
    phuc_xa, _ = await seed(console)
    await console.sign_in("phucxa.hung")
    page = await console.client.get(f"/console/nominations/{phuc_xa.reference}")
    photo_url = page.text.split('<a href="/console/photos/')[1].split('"')[0]
    photo = await console.client.get(f"/console/photos/{photo_url}")
    assert photo.status_code == 200 and photo.content[:3] == b"\xff\xd8\xff"
    thumb = await console.client.get(f"/console/photos/{photo_url}?thumb=true")
    assert thumb.status_code == 200 and len(thumb.content) <= len(photo.content)

    await console.client.post("/console/logout", data={"csrf": console.csrf(page)})
    assert (await console.client.get(f"/console/photos/{photo_url}")).status_code == 303
    await console.sign_in("thanhcong.quan")  # a viewer of another ward
    assert (await console.client.get(f"/console/photos/{photo_url}")).status_code == 404


async def test_the_district_sees_every_ward_and_filters(console):
    phuc_xa, kim_ma = await seed(console)
    await console.sign_in("noivu.lan")
    everything = await console.client.get("/console")
    assert phuc_xa.reference in everything.text and kim_ma.reference in everything.text

    async def shown(**query: str) -> set[str]:
        page = await console.client.get("/console", params=query)
        return {ref for ref in (phuc_xa.reference, kim_ma.reference) if ref in page.text}

    assert await shown(q="nguyen van an") == {phuc_xa.reference}  # no accents typed
    assert await shown(q="DẠY MIỄN PHÍ") == {kim_ma.reference}
    assert await shown(status="approved") == {kim_ma.reference}
    assert await shown(field="education") == {kim_ma.reference}
    assert await shown(photos="1") == {phuc_xa.reference}
    async with console.db.sessions() as session:
        ward = (await session.exec(select(Unit).where(Unit.code == "phuc-xa"))).one()
    assert f'value="{ward.id}"' in everything.text  # offered in the unit filter
    assert await shown(unit=str(ward.id)) == {phuc_xa.reference}  # its groups count too
    day = (NOW + timedelta(hours=7)).date().isoformat()
    assert await shown(**{"from": day, "to": day}) == {phuc_xa.reference}


async def test_the_queue_pages(console):
    async with console.db.sessions() as session:
        for index in range(30):
            await add_nomination(session, unit="doi-can", name=f"Người số {index}",
                                 deed="Giúp đỡ hàng xóm neo đơn mỗi ngày.",
                                 created_at=NOW - timedelta(minutes=index))
    await console.sign_in("doican.mai")
    first = await console.client.get("/console")
    assert "30 đề xuất" in first.text and "Trang 1/2" in first.text
    assert "Người số 0<" in first.text and "Người số 29<" not in first.text
    second = await console.client.get("/console", params={"page": "2"})
    assert "Người số 29<" in second.text


async def test_staff_see_which_groups_the_bot_can_no_longer_reach(console):
    async with console.db.sessions() as session:
        await deactivate_chat(session, channel="telegram", chat_id="-1001000000021")
        await session.commit()
    await console.sign_in("noivu.lan")  # the district: Kim Mã is theirs
    banner = "Bot không còn gửi được tin vào nhóm của: Phường Kim Mã"
    assert banner in (await console.client.get("/console")).text
    console.client.cookies.clear()
    await console.sign_in("phucxa.hung")  # Phúc Xá's reviewer: not their business
    assert "Bot không còn" not in (await console.client.get("/console")).text


async def test_nominations_nobody_took_within_eight_working_hours_are_flagged(console):
    async with console.db.sessions() as session:
        old = await add_nomination(session, unit="kim-ma", name="Chờ Lâu",
                                   deed="Đã đợi nhiều ngày.",
                                   created_at=datetime.now(UTC) - timedelta(days=5))
        taken = await add_nomination(session, unit="kim-ma", name="Đã Nhận", status="in_review",
                                     deed="Đã có người nhận.",
                                     created_at=datetime.now(UTC) - timedelta(days=5))
        fresh = await add_nomination(session, unit="kim-ma", name="Mới Gửi",
                                     deed="Vừa gửi xong.", created_at=datetime.now(UTC))
    await console.sign_in("noivu.lan")
    page = await console.client.get("/console")
    row_of = {n.reference: next(row for row in page.text.split("<tr>") if n.reference in row)
              for n in (old, taken, fresh)}
    assert "Quá 8 giờ làm việc" in row_of[old.reference]
    assert "Quá 8 giờ làm việc" not in row_of[taken.reference]
    assert "Quá 8 giờ làm việc" not in row_of[fresh.reference]
    assert "5 ngày trước" in row_of[old.reference]  # every row shows its age
    assert "vừa gửi" in row_of[fresh.reference]
    only = await console.client.get("/console", params={"overdue": "1"})
    assert old.reference in only.text
    assert taken.reference not in only.text and fresh.reference not in only.text

"""A resident completes a nomination with a photo in the web chat, in headless Chromium."""

import pytest
from playwright.async_api import expect
from sqlalchemy import text

from storage.shared.db import make_engine
from tests.support.images import jpeg
from tests.support.process import set_password, start_bot
from tests.support.web_chat_page import say, tap

pytestmark = [pytest.mark.process, pytest.mark.browser]
async def test_resident_nominates_with_a_photo_in_the_web_chat(browser, tmp_path):
    bot = await start_bot(tmp_path)
    photo = tmp_path / "evidence.jpg"
    photo.write_bytes(jpeg(640, 480))
    try:
        page = await browser.new_page(viewport={"width": 360, "height": 740})  # a cheap phone
        await page.goto(f"{bot.base_url}/chat")

        log = page.locator("#log")
        await expect(log).to_contain_text("dữ liệu cá nhân")
        await tap(page, "Tôi đồng ý")
        await tap(page, "Cá nhân")
        await say(page, "Nguyễn Văn Tuấn")
        await expect(log).to_contain_text("làm nghề gì")
        await say(page, "Bảo vệ dân phố")
        await say(page, "Phường Kim Mã")
        await expect(log).to_contain_text("Đơn vị: Phường Kim Mã")
        await say(page, "Số 2 phố Kim Mã")
        await tap(page, "An ninh – trật tự")
        await say(page, "Ông Tuấn dũng cảm cùng người dân bắt giữ kẻ cướp giật túi xách "
                        "của một cụ bà.")
        await tap(page, "Hôm nay")
        await expect(log).to_contain_text("ảnh minh chứng")
        await page.set_input_files("#photo", str(photo))
        await expect(log).to_contain_text("Đã nhận 1 ảnh (tối đa 10 ảnh)")
        await tap(page, "Xong")
        await say(page, "Trần Thị Hoa")
        await expect(page.locator("#text")).to_have_attribute("type", "tel")
        await say(page, "0912 345 678")
        await tap(page, "Tôi tự đề xuất")
        await expect(log).to_contain_text("Kiểm tra lại đề xuất")
        await page.screenshot(path=str(tmp_path / "summary.png"))
        await tap(page, "Gửi đề xuất")
        await expect(log).to_contain_text("NTVT-")
        reference = "NTVT-" + (await log.inner_text()).split("NTVT-")[1][:11]

        # The district's reviewer gets a password from the CLI and finds it in the console.
        await set_password(tmp_path, bot.database_url, "noivu.lan", "mật-khẩu-đủ-dài-2026")
        staff = await browser.new_page(viewport={"width": 1280, "height": 800})
        await staff.goto(f"{bot.base_url}/console")
        await staff.fill("input[name=username]", "noivu.lan")
        await staff.fill("input[name=password]", "mật-khẩu-đủ-dài-2026")
        await staff.click("button[type=submit]")
        await expect(staff.locator("table.queue")).to_contain_text(reference)
        await staff.fill("input[type=search]", "nguyen van tuan")
        await staff.click("text=Lọc")
        await staff.click(f"text={reference}")
        await expect(staff.locator("h1")).to_contain_text("Nguyễn Văn Tuấn")
        thumbnail = staff.locator(".photos img")
        await expect(thumbnail).to_have_count(1)
        assert await thumbnail.evaluate("img => img.naturalWidth") > 0  # served and decoded
        await staff.screenshot(path=str(tmp_path / "console.png"))

        # Taken, checked by phone, then approved with a reason template the reviewer edits.
        async def decide(action_label: str, status_after: str) -> None:
            await staff.get_by_label(action_label).check()
            await staff.click("text=Lưu quyết định")
            await expect(staff.locator(".status")).to_contain_text(status_after)

        await decide("Nhận xử lý", "Đang xem xét")
        await staff.select_option("select[name=method]", "phone")
        await staff.fill("input[name=checked_on]", "2026-11-21")
        await staff.fill("textarea[name=findings]", "Gọi tổ trưởng tổ 5: xác nhận đúng sự việc.")
        await staff.click("text=Lưu kết quả xác minh")
        await expect(staff.locator(".status")).to_contain_text("Đã xác minh")
        # Verified: approving is one press, with a word of her own for the nominator.
        approve = staff.locator("form.approve-now")
        await approve.locator("textarea[name=reason]").fill(
            "Hội đồng thi đua – khen thưởng đã xét và công nhận. Phường sẽ trao giấy khen "
            "ngày 20/11.")
        await approve.get_by_role("button", name="✅ Công nhận").click()
        await expect(staff.locator(".status")).to_contain_text("Được công nhận")
        await expect(staff.locator(".history")).to_contain_text("trao giấy khen ngày 20/11")

        # The filtered list goes out as a spreadsheet.
        await staff.click("text=Về danh sách")
        await staff.fill("input[type=search]", "tuan")
        await staff.click("text=Lọc")
        async with staff.expect_download() as download_info:
            await staff.click("text=Tải CSV")
        exported = (await (await download_info.value).path()).read_text(encoding="utf-8-sig")
        assert reference in exported and "Nguyễn Văn Tuấn" in exported

        # The resident comes back to the chat's tab and reads each step and the outcome.
        await page.evaluate("document.dispatchEvent(new Event('visibilitychange'))")
        await expect(log).to_contain_text("đã được cán bộ nhận xử lý")
        await expect(log).to_contain_text("đã được xác minh")
        await expect(log).to_contain_text(f"Đề xuất {reference} (Nguyễn Văn Tuấn) đã được "
                                          "công nhận")
        await expect(log).to_contain_text("trao giấy khen ngày 20/11")
    finally:
        await bot.stop()

    engine = make_engine(bot.database_url)
    async with engine.connect() as conn:
        nomination = (await conn.execute(text(
            "SELECT id, nominee_name, channel FROM nomination"))).one()
        nomination_chat = (await conn.execute(text(
            "SELECT submitter_chat_id FROM nomination"))).scalar_one()
        photos = (await conn.execute(text("SELECT nomination_id FROM photo"))).all()
        notices = (await conn.execute(text("SELECT kind, chat_id FROM notification"))).all()
    await engine.dispose()
    assert nomination[1:] == ("Nguyễn Văn Tuấn", "webchat")
    assert [p[0] for p in photos] == [nomination[0]]
    # Kim Mã's staff group got the card; the resident's own web chat heard of each step:
    # taken, verified, approved.
    assert notices == [("review_card", "-1001000000021"), *[("decision", nomination_chat)] * 3]

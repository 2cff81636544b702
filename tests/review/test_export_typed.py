"""A ward's clerk opens the export in a spreadsheet: dates are dates, counts are numbers,
the header stays in view, each row says what was decided, why, and by whom, and the
nominator's phone is whole only for those who may decide on that unit."""

import io
from datetime import datetime

from openpyxl import load_workbook

from tests.review.test_casework import post
from tests.support.nominations import add_nomination
from tests.units.test_tally_ties import seed as tally_seed


def sheet_of(content: bytes):
    return load_workbook(io.BytesIO(content)).active


def rows_by_reference(sheet) -> tuple[list[str], dict[str, dict[str, object]]]:
    header = [cell.value for cell in sheet[1]]
    rows = {}
    for line in sheet.iter_rows(min_row=2):
        cells = {title: cell for title, cell in zip(header, line, strict=True)}
        rows[cells["Mã số"].value] = cells
    return header, rows


async def test_the_xlsx_has_typed_cells_a_frozen_header_and_the_decision(console):
    async with console.db.sessions() as session:
        decided = await add_nomination(session, unit="phuc-xa", name="Ngô Thị Lành",
                                       status="verified", photos=2, media=console.media,
                                       deed="Bà Lành đưa đón học sinh khuyết tật mỗi ngày.")
        waiting = await add_nomination(session, unit="kim-ma", name="Lê Văn Thật",
                                       deed="Sửa miễn phí xe đạp cho học sinh nghèo.")
    await console.sign_in("phucxa.hung")
    await post(console, decided.reference, "decide", action="approve",
               reason="Hội đồng đã xét, đủ căn cứ.")
    console.client.cookies.clear()
    await console.sign_in("noivu.lan")  # a reviewer of the whole district
    answer = await console.client.get("/console/export.xlsx")
    sheet = sheet_of(answer.content)
    assert sheet.freeze_panes == "A2"
    header, rows = rows_by_reference(sheet)
    assert header[-4:] == ["Quyết định", "Lý do", "Người quyết định", "Thời điểm quyết định"]
    assert "Điện thoại người đề xuất" in header
    row = rows[decided.reference]
    assert isinstance(row["Ngày nhận"].value, datetime)
    assert row["Ngày nhận"].number_format == "dd/mm/yyyy hh:mm"
    assert isinstance(row["Thời gian"].value, datetime)  # the deed's day, a real date
    assert row["Thời gian"].number_format == "dd/mm/yyyy"
    assert row["Thời gian"].value.date().isoformat() == "2026-10-15"
    assert row["Số ảnh"].value == 2 and row["Số ảnh"].data_type == "n"
    assert row["Quyết định"].value == "Công nhận"
    assert row["Lý do"].value == "Hội đồng đã xét, đủ căn cứ."
    assert row["Người quyết định"].value == "Trần Văn Hùng"
    assert isinstance(row["Thời điểm quyết định"].value, datetime)
    assert row["Điện thoại người đề xuất"].value == "0912 345 678"  # may decide: whole
    assert rows[waiting.reference]["Quyết định"].value is None  # nobody has decided yet
    deed_column = row["Việc làm"].column_letter
    assert sheet.column_dimensions[deed_column].width > sheet.column_dimensions["A"].width > 8


async def test_someone_who_may_only_see_a_unit_gets_its_phones_masked(console):
    async with console.db.sessions() as session:
        seen = await add_nomination(session, unit="ngoc-ha", name="Đỗ Văn Minh",
                                    deed="Cứu người đuối nước ở hồ Hữu Tiệp.")
        own = await add_nomination(session, unit="doi-can", name="Vũ Thị Hoa",
                                   deed="Nhặt được ví và trả lại người đánh rơi.")
    await console.sign_in("doican.mai")  # reviewer of Đội Cấn, viewer of Ngọc Hà
    _, rows = rows_by_reference(sheet_of((await console.client.get(
        "/console/export.xlsx")).content))
    assert rows[seen.reference]["Điện thoại người đề xuất"].value == "09xx xxx 678"
    assert rows[own.reference]["Điện thoại người đề xuất"].value == "0912 345 678"
    text = (await console.client.get("/console/export.csv")).content.decode("utf-8-sig")
    assert "09xx xxx 678" in text and "0912 345 678" in text
    assert text.count("0912 345 678") == 1


async def test_the_tally_xlsx_holds_numbers_and_shares(console):
    await tally_seed(console.db)
    await console.sign_in("noivu.lan")
    answer = await console.client.get("/console/tally.xlsx", params={
        "campaign": "ntvt-2026", "month": "2026-10", "cluster": "cum-phuong"})
    sheet = sheet_of(answer.content)
    assert sheet.freeze_panes == "A2"
    first, second, third = list(sheet.iter_rows(min_row=2, max_row=4, values_only=True))
    assert first[:5] == (1, "Phường Đội Cấn", 2, 2, 24)
    assert (second[0], third[0]) == (1, 3)  # tied, then the next skips
    share = sheet.cell(row=2, column=6)
    assert share.data_type == "n" and share.number_format == "0.0%"
    assert abs(share.value - 2 / 24) < 1e-9

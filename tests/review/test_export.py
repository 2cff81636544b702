"""Staff export the filtered queue; a resident's "=formula" never runs in Excel."""

import csv
import io
import zipfile

from tests.support.nominations import add_nomination

TRAP = '=HYPERLINK("http://evil.example","Bấm vào đây")'


async def seed(console):
    async with console.db.sessions() as session:
        await add_nomination(session, unit="kim-ma", name="@Nguyễn Văn Bẫy", deed=TRAP)
        await add_nomination(session, unit="phuc-xa", name="Lê Văn Thật",
                             deed="Sửa miễn phí xe đạp cho học sinh nghèo.")


async def test_the_csv_keeps_vietnamese_and_defuses_formulas(console):
    await seed(console)
    await console.sign_in("noivu.lan")
    answer = await console.client.get("/console/export.csv", params={"q": "bay"})
    assert answer.status_code == 200
    assert "attachment" in answer.headers["content-disposition"]
    text = answer.content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["Mã số", "Trạng thái", "Người được đề xuất"]
    assert len(rows) == 2  # the search filter applies to the export too
    assert rows[1][2] == "'@Nguyễn Văn Bẫy"
    assert rows[1][7] == "'" + TRAP


async def test_the_xlsx_holds_text_not_formulas(console):
    await seed(console)
    await console.sign_in("noivu.lan")
    answer = await console.client.get("/console/export.xlsx")
    assert answer.status_code == 200
    sheet = zipfile.ZipFile(io.BytesIO(answer.content)).read("xl/worksheets/sheet1.xml")
    strings = zipfile.ZipFile(io.BytesIO(answer.content)).read("xl/sharedStrings.xml")
    assert b"<f>" not in sheet  # no cell is a formula
    assert b"HYPERLINK" in strings and "Lê Văn Thật".encode() in strings


async def test_an_export_holds_only_what_the_person_may_see(console):
    await seed(console)
    await console.sign_in("phucxa.hung")
    text = (await console.client.get("/console/export.csv")).content.decode("utf-8-sig")
    assert "Lê Văn Thật" in text and "Bẫy" not in text

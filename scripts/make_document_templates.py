"""Builds the official documents' templates in templates/documents/ (decision, council
minutes, proposal to the city, the year's report) with python-docx, in Decree
30/2020/NĐ-CP's layout: the issuing body top-left with its number, the national motto
top-right with the place and date in italics, the title bold and centred, "Căn cứ" lines,
the articles, "Nơi nhận:" bottom-left and the signature block bottom-right, Times New
Roman 13-14 pt. The {{ }} and {%tr %} tags are docxtpl's (Jinja2).

Run `python scripts/make_document_templates.py` to rebuild them; a ward may instead edit
the .docx files in Word or LibreOffice, keeping the tags (docs/documents.md)."""

import unicodedata
from pathlib import Path

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.table import _Cell

OUT = Path(__file__).resolve().parent.parent / "templates" / "documents"
FONT = "Times New Roman"
ALIGN = WD_ALIGN_PARAGRAPH
CENTER, LEFT, JUSTIFY = ALIGN.CENTER, ALIGN.LEFT, ALIGN.JUSTIFY


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def new_document() -> DocumentObject:
    document = Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)  # A4
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(1.5)
    style = document.styles["Normal"]
    style.font.name, style.font.size = FONT, Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    style.paragraph_format.space_after = Pt(3)
    return document


def para(where: DocumentObject | _Cell, text: str = "", *, bold: bool = False,
         italic: bool = False, align: WD_ALIGN_PARAGRAPH = JUSTIFY, size: int = 14,
         indent: bool = False) -> None:
    paragraph = where.add_paragraph()
    paragraph.alignment = align
    if indent:
        paragraph.paragraph_format.first_line_indent = Cm(1)
    run = paragraph.add_run(nfc(text))
    run.bold, run.italic, run.font.size, run.font.name = bold, italic, Pt(size), FONT


def rule(cell: _Cell, indent_cm: float) -> None:
    """Decree 30's short line under the issuing body and under the motto: an empty
    paragraph's bottom border, as long as the cell less the indents."""
    paragraph = cell.add_paragraph()
    # The border first: python-docx then puts the spacing and indents after it, in the
    # order the schema wants (Word refuses a file whose pPr children are out of order).
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("w:val", "single"), ("w:sz", "6"), ("w:space", "1"),
                        ("w:color", "000000")):
        bottom.set(qn(name), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
    paragraph.paragraph_format.left_indent = Cm(indent_cm)
    paragraph.paragraph_format.right_indent = Cm(indent_cm)
    paragraph.paragraph_format.space_after = Pt(6)
    paragraph.add_run("").font.size = Pt(2)


def two_columns(document: DocumentObject, widths: tuple[float, float]) -> tuple[_Cell, _Cell]:
    table = document.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    left, right = table.rows[0].cells
    left.width, right.width = Cm(widths[0]), Cm(widths[1])
    for cell in (left, right):
        cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    return left, right


def heading(document: DocumentObject, number_kind: str) -> None:
    """The issuing body and the number (left), the motto and the place and date (right)."""
    left, right = two_columns(document, (6.0, 10.5))
    para(left, "{{ issuer_parent }}", align=CENTER, size=13)
    para(left, "{{ issuer }}", bold=True, align=CENTER, size=13)
    rule(left, 2.0)
    para(left, "Số: {{ number }}" + f"/{number_kind}",
         align=CENTER, size=13)
    para(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=CENTER, size=13)
    para(right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=CENTER, size=14)
    rule(right, 2.4)
    para(right, "{{ place }}, ngày {{ day }} tháng {{ month }} năm {{ year }}", italic=True,
         align=CENTER, size=14)


def footer(document: DocumentObject, recipients: list[str]) -> None:
    left, right = two_columns(document, (7.5, 9.0))
    para(left, "Nơi nhận:", bold=True, italic=True, align=LEFT, size=12)
    for line in recipients:
        para(left, line, align=LEFT, size=11)
    para(right, "{{ sign_for }}", bold=True, align=CENTER)
    para(right, "{{ signer_title }}", bold=True, align=CENTER)
    para(right, "")
    para(right, "")
    para(right, "{{ signer_name }}", bold=True, align=CENTER)


def table(document: DocumentObject, headers: list[str], cells: list[str], loop: str) -> None:
    """A header row, then one docxtpl row loop: `{%tr for ... %}`, the row, `{%tr endfor %}`."""
    grid = document.add_table(rows=4, cols=len(headers))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, headers, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(nfc(text))
        run.bold, run.font.size, run.font.name = True, Pt(13), FONT
        cell.paragraphs[0].alignment = CENTER
    grid.rows[1].cells[0].text = "{%tr for row in " + loop + " %}"
    for cell, text in zip(grid.rows[2].cells, cells, strict=True):
        cell.text = ""
        run = cell.paragraphs[0].add_run(text)
        run.font.size, run.font.name = Pt(13), FONT
    grid.rows[3].cells[0].text = "{%tr endfor %}"


def decision() -> DocumentObject:
    document = new_document()
    heading(document, "QĐ-UBND")
    para(document, "")
    para(document, "QUYẾT ĐỊNH", bold=True, align=CENTER)
    para(document, "Về việc tặng Giấy khen “{{ title }}”", bold=True, align=CENTER)
    para(document, "")
    para(document, "CHỦ TỊCH ỦY BAN NHÂN DÂN {{ issuer }}", bold=True, align=CENTER)
    for line in ("Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;",
                 "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;",
                 "Căn cứ Nghị định số 98/2023/NĐ-CP ngày 31 tháng 12 năm 2023 của Chính phủ "
                 "quy định chi tiết một số điều của Luật Thi đua, khen thưởng;",
                 "Căn cứ Biên bản họp Hội đồng Thi đua – Khen thưởng {{ unit_name }} "
                 "ngày {{ meeting_on }};",
                 "Theo đề nghị của Hội đồng Thi đua – Khen thưởng {{ unit_name }}."):
        para(document, line, italic=True, indent=True)
    para(document, "QUYẾT ĐỊNH:", bold=True, align=CENTER)
    para(document, "Điều 1. Tặng Giấy khen “{{ title }}” cho {{ people|length }} cá nhân, "
                   "tập thể (có danh sách kèm theo) đã có thành tích tiêu biểu trong phong "
                   "trào thi đua “Người tốt, việc tốt” năm {{ round_year }}.", indent=True)
    para(document, "Điều 2. Các cá nhân, tập thể có tên tại Điều 1 được nhận Giấy khen và "
                   "tiền thưởng theo quy định hiện hành.", indent=True)
    para(document, "Điều 3. Chánh Văn phòng Hội đồng nhân dân và Ủy ban nhân dân, Hội đồng "
                   "Thi đua – Khen thưởng {{ unit_name }} và các cá nhân, tập thể có tên tại "
                   "Điều 1 chịu trách nhiệm thi hành Quyết định này./.", indent=True)
    footer(document, ["- Như Điều 3;", "- Lưu: VT."])
    para(document, "")
    para(document, "DANH SÁCH CÁ NHÂN, TẬP THỂ ĐƯỢC TẶNG GIẤY KHEN", bold=True, align=CENTER)
    para(document, "(Kèm theo Quyết định số {{ number }}/QĐ-UBND ngày {{ date_short }} "
                   "của Chủ tịch Ủy ban nhân dân {{ unit_name }})", italic=True, align=CENTER)
    table(document, ["STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích"],
          ["{{ row.index }}", "{{ row.name }}", "{{ row.role }}", "{{ row.summary }}"],
          "people")
    return document


def minutes() -> DocumentObject:
    document = new_document()
    heading(document, "BB-HĐTĐKT")
    para(document, "")
    para(document, "BIÊN BẢN", bold=True, align=CENTER)
    para(document, "họp Hội đồng Thi đua – Khen thưởng {{ unit_name }}", bold=True,
         align=CENTER)
    para(document, "Về việc xét tặng danh hiệu “{{ title }}” ({{ round_name }})",
         bold=True, align=CENTER)
    para(document, "")
    para(document, "Thời gian: ngày {{ meeting_on }}.", indent=True)
    para(document, "Địa điểm: {{ meeting_place }}.", indent=True)
    para(document, "Thành phần: {{ members|length }} thành viên Hội đồng:", indent=True)
    para(document, "{%p for member in members %}")
    para(document, "- {{ member.name }}, {{ member.role }};", indent=True)
    para(document, "{%p endfor %}")
    para(document, "Nội dung: Hội đồng xem xét {{ items|length }} hồ sơ đề nghị khen thưởng; "
                   "kết quả biểu quyết từng hồ sơ như sau:", indent=True)
    table(document, ["STT", "Họ và tên", "Đơn vị", "Tán thành", "Không tán thành",
                     "Không ý kiến", "Kết quả"],
          ["{{ row.index }}", "{{ row.name }}", "{{ row.unit }}", "{{ row.votes_for }}",
           "{{ row.votes_against }}", "{{ row.votes_abstain }}", "{{ row.outcome }}"],
          "items")
    para(document, "Biên bản kết thúc lúc …… giờ …… cùng ngày, đã được thông qua trước "
                   "Hội đồng./.", indent=True)
    left, right = two_columns(document, (8.0, 8.5))
    para(left, "THƯ KÝ HỘI ĐỒNG", bold=True, align=CENTER)
    para(left, "")
    para(left, "{{ secretary }}", bold=True, align=CENTER)
    para(right, "CHỦ TỊCH HỘI ĐỒNG", bold=True, align=CENTER)
    para(right, "")
    para(right, "{{ chair }}", bold=True, align=CENTER)
    return document


def proposal() -> DocumentObject:
    document = new_document()
    heading(document, "TTr-UBND")
    para(document, "")
    para(document, "TỜ TRÌNH", bold=True, align=CENTER)
    para(document, "Về việc đề nghị Chủ tịch Ủy ban nhân dân Thành phố tặng danh hiệu "
                   "“{{ title }}”", bold=True, align=CENTER)
    para(document, "Kính gửi: Hội đồng Thi đua – Khen thưởng Thành phố.", align=CENTER)
    para(document, "Căn cứ Luật Thi đua, khen thưởng ngày 15 tháng 6 năm 2022;", italic=True,
         indent=True)
    para(document, "Căn cứ Biên bản họp Hội đồng Thi đua – Khen thưởng {{ unit_name }} "
                   "ngày {{ meeting_on }};", italic=True, indent=True)
    para(document, "Ủy ban nhân dân {{ unit_name }} kính đề nghị Chủ tịch Ủy ban nhân dân "
                   "Thành phố xem xét, tặng danh hiệu “{{ title }}” cho {{ people|length }} "
                   "cá nhân, tập thể có thành tích tiêu biểu (danh sách kèm theo):", indent=True)
    table(document, ["STT", "Họ và tên", "Chức vụ, đơn vị", "Thành tích"],
          ["{{ row.index }}", "{{ row.name }}", "{{ row.role }}", "{{ row.summary }}"],
          "people")
    para(document, "Kính đề nghị Hội đồng Thi đua – Khen thưởng Thành phố xem xét, trình "
                   "Chủ tịch Ủy ban nhân dân Thành phố quyết định./.", indent=True)
    footer(document, ["- Như trên;", "- Lưu: VT."])
    return document


def report() -> DocumentObject:
    document = new_document()
    heading(document, "BC-UBND")
    para(document, "")
    para(document, "BÁO CÁO", bold=True, align=CENTER)
    para(document, "Tổng kết phong trào “Người tốt, việc tốt” năm {{ report_year }}",
         bold=True, align=CENTER)
    para(document, "I. KẾT QUẢ PHONG TRÀO THI ĐUA “NGƯỜI TỐT, VIỆC TỐT”", bold=True)
    para(document, "Năm {{ report_year }}, toàn {{ unit_name }} tiếp nhận {{ total }} đề "
                   "xuất gương người tốt, việc tốt; kết quả cụ thể như sau:", indent=True)
    sections = [("1. Số đề xuất theo đơn vị", "Đơn vị", "by_unit", "chart_unit"),
                ("2. Số đề xuất theo lĩnh vực", "Lĩnh vực", "by_field", "chart_field"),
                ("3. Số đề xuất theo tình trạng", "Tình trạng", "by_status", None),
                ("4. Danh hiệu theo cấp khen thưởng", "Cấp khen thưởng", "by_level", None)]
    for title, column, rows, chart in sections:
        para(document, title, bold=True)
        table(document, ["STT", column, "Số lượng"],
              ["{{ row.index }}", "{{ row.label }}", "{{ row.count }}"], rows)
        if chart:
            para(document, "{{ " + chart + " }}", align=CENTER)
    para(document, "5. Đơn vị vượt và chưa đạt chỉ tiêu", bold=True)
    table(document, ["STT", "Đợt thi đua", "Đơn vị", "Số đề xuất", "Chỉ tiêu", "Kết quả"],
          ["{{ row.index }}", "{{ row.campaign }}", "{{ row.unit }}", "{{ row.count }}",
           "{{ row.quota }}", "{{ row.result }}"], "quotas")
    para(document, "{%p if contest %}")
    para(document, "II. KẾT QUẢ CUỘC THI VIẾT VỀ GƯƠNG ĐIỂN HÌNH TIÊN TIẾN, NGƯỜI TỐT, "
                   "VIỆC TỐT NĂM {{ report_year }}", bold=True)
    table(document, ["STT", "Nội dung", "Số lượng"],
          ["{{ row.index }}", "{{ row.label }}", "{{ row.count }}"], "contest")
    para(document, "{%p endif %}")
    para(document, "{%p if exemplars %}")
    para(document, "Tiêu biểu như:", indent=True)
    para(document, "{%p for person in exemplars %}")
    para(document, "- {{ person }}", indent=True)
    para(document, "{%p endfor %}")
    para(document, "{%p endif %}")
    footer(document, ["- Hội đồng TĐKT Thành phố;", "- Các đơn vị thuộc {{ unit_name }};",
                      "- Lưu: VT."])
    return document


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, build in (("decision", decision), ("minutes", minutes),
                        ("proposal", proposal), ("report", report)):
        build().save(str(OUT / f"{name}.docx"))


if __name__ == "__main__":
    main()

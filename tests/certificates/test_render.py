"""A ward's certificate drawn from its one layout file, as a PDF and as a picture, with
the hardest Vietnamese names: every stacked mark must come out, in both."""

import io
import unicodedata
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader

from handlers.certificates.layout import load_layout, place
from handlers.certificates.render import PNG_DPI, _px, _rgb, pil_font, render_pdf, render_png

FOLDER = Path(__file__).parents[2] / "templates" / "documents" / "certificate"
NAMES = ["Nguyễn Thị Ngọc Hưởng", "Đặng Quốc Vỹ", "Lê Thị Ửng Ỷ"]
MARKS = "ẫ ặ ổ ữ ỷ"


def fields(name: str) -> dict[str, str]:
    return {"authority": "UBND QUẬN 3", "unit": "PHƯỜNG VÕ THỊ SÁU",
            "unit_title": "PHƯỜNG VÕ THỊ SÁU", "name": name, "title": "Người tốt, việc tốt",
            "summary": f"Trả lại ví nhặt được cho người đánh rơi ({MARKS}); nhiều năm liền "
                       "giúp đỡ người già neo đơn trong khu phố.",
            "number": "12/QĐ-UBND-03", "decision_number": "12/QĐ-UBND",
            "decision_date": "20/11/2026", "place": "Quận 3", "day": "20", "month": "11",
            "year": "2026", "signer_title": "CHỦ TỊCH", "signer_name": "Trần Thị Thu Hằng"}


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def test_the_pdf_carries_every_name_as_text_in_an_embedded_font() -> None:
    layout = load_layout(FOLDER)
    pdf = render_pdf(layout, [fields(name) for name in NAMES])
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 3
    for page, name in zip(reader.pages, NAMES, strict=True):
        text = nfc(page.extract_text())
        assert name in text
        assert MARKS in text
        assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
        assert "Số: 12/QĐ-UBND-03" in text
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert round(width / 72 * 25.4) == 297 and round(height / 72 * 25.4) == 210
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values()}
    assert any("DejaVuSerif" in font for font in fonts)


def _name_region(layout, name: str) -> tuple[Image.Image, tuple[int, int, int, int]]:
    line = next(line for line in place(layout, fields(name)) if line.text == name)
    font = pil_font(layout, line, PNG_DPI)
    origin = (_px(line.x, PNG_DPI), _px(line.y, PNG_DPI))
    box = tuple(round(v) for v in font.getbbox(name, anchor="ls"))
    region = (round(origin[0]) + box[0] - 2, round(origin[1]) + box[1] - 2,
              round(origin[0]) + box[2] + 2, round(origin[1]) + box[3] + 2)
    # Pillow's own drawing of the same string, in the same font, alone on the paper.
    alone = Image.new("RGB", (round(_px(layout.width, PNG_DPI)), round(_px(layout.height,
                                                                            PNG_DPI))),
                      _rgb(layout.paper))
    ImageDraw.Draw(alone).text(origin, name, font=font, fill=_rgb(line.color), anchor="ls")
    return alone.crop(region), region


def test_the_picture_draws_each_name_with_all_its_marks() -> None:
    layout = load_layout(FOLDER)
    for name in NAMES:
        picture = Image.open(io.BytesIO(render_png(layout, fields(name)))).convert("RGB")
        assert picture.size == (1754, 1240)  # A4 landscape at 150 dpi
        expected, region = _name_region(layout, name)
        shown = picture.crop(region)
        assert ImageChops.difference(shown, expected).getbbox() is None
        paper = Image.new("RGB", shown.size, _rgb(layout.paper))
        inked = sum(ImageChops.difference(shown, paper).convert("L").histogram()[1:])
        assert inked > 500  # not blank where the name is
        # The marks are there: the same letters without them draw differently.
        bare = "".join(c for c in unicodedata.normalize("NFD", name)
                       if not unicodedata.combining(c)).replace("Đ", "D")
        without, _ = _name_region(layout, bare)
        assert ImageChops.difference(shown, without.resize(shown.size)).getbbox() is not None


def test_a_long_deed_stays_within_its_lines() -> None:
    layout = load_layout(FOLDER)
    long = fields("Lê Thị Ửng Ỷ")
    long["summary"] = "giúp đỡ người nghèo " * 80
    lines = [line for line in place(layout, long) if "giúp" in line.text]
    assert len(lines) == 3 and lines[-1].text.endswith("…")

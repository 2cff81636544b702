"""The two renderers of one layout: a PDF (fpdf2, the font embedded, the words kept as
text) and a PNG (Pillow). Blocking and CPU-bound: the use case runs them in a thread."""

import io

from PIL import Image, ImageDraw, ImageFont

from handlers.certificates.layout import PT_MM, Layout, Line, place

PNG_DPI = 150  # sharp on a phone, about 1754 × 1240 pixels for A4 landscape


def _rgb(color: str) -> tuple[int, int, int]:
    value = color.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def render_pdf(layout: Layout, pages: list[dict[str, str]]) -> bytes:
    """One page per certificate: one person's, or a whole round's for the ceremony."""
    from fpdf import FPDF  # here: a start that issues no certificate need not load it

    pdf = FPDF(orientation="L" if layout.width > layout.height else "P", unit="mm",
               format=(min(layout.width, layout.height), max(layout.width, layout.height)))
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    for key, path in layout.fonts.items():
        pdf.add_font(key, "", str(path))
    for fields in pages:
        pdf.add_page()
        if layout.background is not None:
            pdf.image(str(layout.background), 0, 0, layout.width, layout.height)
        else:
            pdf.set_fill_color(*_rgb(layout.paper))
            pdf.rect(0, 0, layout.width, layout.height, style="F")
            for frame in layout.frames:
                pdf.set_draw_color(*_rgb(frame.color))
                pdf.set_line_width(frame.line)
                pdf.rect(frame.inset, frame.inset, layout.width - 2 * frame.inset,
                         layout.height - 2 * frame.inset)
        for line in place(layout, fields):
            pdf.set_font(line.font, size=line.size)
            pdf.set_text_color(*_rgb(line.color))
            pdf.text(line.x, line.y, line.text)
    return bytes(pdf.output())


def _px(mm: float, dpi: int) -> float:
    return mm / 25.4 * dpi


def pil_font(layout: Layout, line: Line, dpi: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(layout.fonts[line.font]), round(_px(line.size * PT_MM, dpi)))


def render_png(layout: Layout, fields: dict[str, str], *, dpi: int = PNG_DPI) -> bytes:
    size = (round(_px(layout.width, dpi)), round(_px(layout.height, dpi)))
    if layout.background is not None:
        with Image.open(layout.background) as background:
            image = background.convert("RGB").resize(size)
    else:
        image = Image.new("RGB", size, _rgb(layout.paper))
    draw = ImageDraw.Draw(image)
    if layout.background is None:
        for frame in layout.frames:
            inset, width = _px(frame.inset, dpi), max(1, round(_px(frame.line, dpi)))
            draw.rectangle((inset, inset, size[0] - inset, size[1] - inset),
                           outline=_rgb(frame.color), width=width)
    for line in place(layout, fields):
        draw.text((_px(line.x, dpi), _px(line.y, dpi)), line.text,
                  font=pil_font(layout, line, dpi), fill=_rgb(line.color), anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()

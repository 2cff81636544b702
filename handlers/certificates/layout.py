"""A certificate's layout, as the ward keeps it in templates/documents/certificate/
layout.yaml, filled in for one person and cut into placed lines.

Both renderers (the PDF and the PNG) draw the same placed lines: the words are measured
and wrapped here once, with the same TrueType font either renderer embeds, so the two
files cannot drift apart as two hand-kept designs would."""

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from PIL import ImageFont

MEASURE_PT = 100  # font size the widths are measured at, then scaled
PT_MM = 25.4 / 72


@dataclass(frozen=True)
class Frame:
    inset: float
    line: float
    color: str


@dataclass(frozen=True)
class Layout:
    folder: Path
    width: float  # millimetres
    height: float
    fonts: dict[str, Path]
    background: Path | None
    paper: str
    frames: list[Frame]
    blocks: list[dict[str, Any]]


@dataclass(frozen=True)
class Line:
    text: str
    font: str  # a key of Layout.fonts
    size: float  # points
    x: float  # left edge, millimetres
    y: float  # baseline, millimetres
    color: str


def _font_file(folder: Path, name: str) -> Path:
    """The ward's own font beside the layout, else the DejaVu that matplotlib ships: it
    has every precomposed Vietnamese letter (ẫ ặ ổ ữ ỷ), so no mark floats loose."""
    own = folder / name
    if own.is_file():
        return own
    import matplotlib  # only for its fonts' folder

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name


def load_layout(folder: Path) -> Layout:
    data = yaml.safe_load((folder / "layout.yaml").read_text(encoding="utf-8"))
    background = str(data.get("background") or "")
    return Layout(
        folder=folder, width=float(data["page"]["width"]), height=float(data["page"]["height"]),
        fonts={key: _font_file(folder, str(name)) for key, name in data["fonts"].items()},
        background=folder / background if background else None,
        paper=str(data.get("paper", "#ffffff")),
        frames=[Frame(float(f["inset"]), float(f["line"]), str(f["color"]))
                for f in data.get("frame", [])],
        blocks=list(data["blocks"]))


@lru_cache(maxsize=8)
def _measurer(path: Path) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), MEASURE_PT)


def text_width(layout: Layout, font: str, size: float, text: str) -> float:
    """Millimetres, at `size` points."""
    return _measurer(layout.fonts[font]).getlength(text) / MEASURE_PT * size * PT_MM


def _wrap(layout: Layout, font: str, size: float, text: str, width: float,
          most: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(layout, font, size, f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    if len(lines) > most:  # a long deed ends in an ellipsis rather than over the signature
        lines = lines[:most]
        while lines[-1] and text_width(layout, font, size, lines[-1] + " …") > width:
            lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else ""
        lines[-1] = f"{lines[-1]} …".strip()
    return lines


def place(layout: Layout, fields: dict[str, str]) -> list[Line]:
    """Every block's words filled in, wrapped into its width and aligned."""
    placed: list[Line] = []
    for block in layout.blocks:
        text = str(block["text"]).format_map(fields)
        font, size = str(block.get("font", "regular")), float(block["size"])
        x, y, width = float(block["x"]), float(block["y"]), float(block["w"])
        step = size * PT_MM * float(block.get("leading", 1.25))
        most = int(block.get("lines", 2))  # a long name may take a second line
        for n, words in enumerate(_wrap(layout, font, size, text, width, most)):
            room = width - text_width(layout, font, size, words)
            align = str(block.get("align", "center"))
            left = x if align == "left" else x + room if align == "right" else x + room / 2
            placed.append(Line(words, font, size, left, y + n * step,
                               str(block.get("color", "#000000"))))
    return placed

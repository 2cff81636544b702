"""The dashboard's pictures, drawn on the server as SVG in the monthly tally chart's look
(its red and grey, DejaVu Sans, which has every Vietnamese letter), so a phone shows
them without any script or anything fetched from elsewhere.

matplotlib's object API (a Figure, no pyplot) keeps each drawing to itself, so drawings
may run in worker threads beside the tally job's. The same figures draw the same bytes:
a few dozen recent ones are kept, as staff reload the page often and the numbers change
slowly."""

import io
from collections.abc import Sequence
from functools import lru_cache

RED, GREY, DARK = "#b91c1c", "#e5e7eb", "#7f1d1d"
FONT = "DejaVu Sans"


@lru_cache(maxsize=64)
def bar_chart(title: str, labels: tuple[str, ...], values: tuple[float, ...], *,
              horizontal: bool = True, marked: tuple[bool, ...] = (),
              line: float | None = None, line_label: str = "", suffix: str = "") -> bytes:
    """Bars with their values written on them (then `suffix`, e.g. "%"); `marked` bars
    in the darker red (past a target); `line`, a dashed target there with its label."""
    import matplotlib

    # Words as text, not outlines: smaller, selectable, read by screen readers and tests.
    with matplotlib.rc_context({"svg.fonttype": "none"}):
        return _draw(title, labels, values, horizontal=horizontal, marked=marked, line=line,
                     line_label=line_label, suffix=suffix)


def _draw(title: str, labels: tuple[str, ...], values: tuple[float, ...], *,
          horizontal: bool, marked: tuple[bool, ...], line: float | None,
          line_label: str, suffix: str, image_format: str = "svg") -> bytes:
    # Imported here: matplotlib is heavy, and only a dashboard's picture needs it.
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    count = max(1, len(labels))
    # About a phone's width at 1:1, so the words stay readable there.
    size = (4.2, 0.32 * count + 1.0) if horizontal else (4.2, 2.8)
    figure = Figure(figsize=size, layout="constrained")
    FigureCanvasSVG(figure)
    axes = figure.subplots()
    colours = [DARK if marked and marked[i] else RED for i in range(len(labels))]
    if horizontal:
        order = list(range(len(labels)))[::-1]  # the first label on top
        axes.barh([labels[i] for i in order], [values[i] for i in order],
                  color=[colours[i] for i in order], height=0.6)
        for position, i in enumerate(order):
            axes.text(values[i], position, f" {values[i]:g}{suffix}", va="center", fontsize=10,
                      fontfamily=FONT)
        if line is not None:
            axes.axvline(line, color="#111827", linestyle="--", linewidth=1, label=line_label)
        # From 0, in whole numbers, with room for the value after the longest bar.
        axes.set_xlim(0, max(1.0, *values, line or 0) * 1.15)
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.tick_params(axis="both", labelsize=10)
        for label in axes.get_yticklabels():
            label.set_fontfamily(FONT)
    else:
        axes.bar(range(len(labels)), values, color=colours, width=0.7)
        axes.set_ylim(0, max(1.0, *values, line or 0) * 1.15)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xticks(range(len(labels)), labels, fontsize=9, fontfamily=FONT,
                        rotation=45, ha="right")
        for i, value in enumerate(values):
            axes.text(i, value, f"{value:g}{suffix}", ha="center", va="bottom", fontsize=9,
                      fontfamily=FONT)
        if line is not None:
            axes.axhline(line, color="#111827", linestyle="--", linewidth=1, label=line_label)
    if line is not None and line_label:
        figure.legend(loc="outside lower left", fontsize=9, prop={"family": FONT}, frameon=False)
    axes.set_title(title, fontsize=12, fontfamily=FONT, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_facecolor("white")
    out = io.BytesIO()
    figure.savefig(out, format=image_format,
                   metadata={"Date": None} if image_format == "svg" else None)
    return out.getvalue()


def bar_chart_png(title: str, pairs: Sequence[tuple[str, int]]) -> bytes:
    """The same bars as a PNG at print resolution, for a DOCX (the year's report)."""
    labels, values = values_of(pairs)
    return _draw(title, labels, values, horizontal=True, marked=(), line=None,
                 line_label="", suffix="", image_format="png")


def values_of(pairs: Sequence[tuple[str, float]]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    return tuple(label for label, _ in pairs), tuple(value for _, value in pairs)

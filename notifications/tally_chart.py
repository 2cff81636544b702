"""The monthly tally's bar chart: each unit's entries so far against its quota, with
Vietnamese labels. matplotlib's bundled DejaVu Sans has every Vietnamese letter, so the
picture never shows empty boxes for a missing glyph (a test renders with warnings as
errors)."""

import io
import logging
from collections.abc import Sequence

from handlers.units.tally import Chart, TallyRow
from storage.media.store import MediaStore
from storage.shared.worker_threads import Lane

log = logging.getLogger(__name__)


def render_chart(title: str, rows: Sequence[TallyRow], *, entries_label: str,
                 quota_label: str) -> bytes:
    # Imported here: matplotlib is heavy, and only the monthly job draws.
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    ordered = sorted(rows, key=lambda row: row.rank, reverse=True)
    names = [row.unit for row in ordered]
    figure, axes = pyplot.subplots(figsize=(8, 0.45 * len(rows) + 1.6), dpi=110)
    try:
        axes.barh(names, [row.quota for row in ordered], color="#e5e7eb", label=quota_label)
        axes.barh(names, [row.year_to_date for row in ordered], color="#b91c1c", height=0.5,
                  label=entries_label)
        for index, row in enumerate(ordered):
            axes.text(row.year_to_date, index, f" {row.year_to_date}", va="center", fontsize=9)
        axes.set_title(title, fontsize=12, fontfamily="DejaVu Sans")
        axes.tick_params(axis="y", labelsize=9)
        for label in axes.get_yticklabels():
            label.set_fontfamily("DejaVu Sans")
        axes.legend(loc="lower right", fontsize=8, prop={"family": "DejaVu Sans"})
        axes.spines[["top", "right"]].set_visible(False)
        figure.tight_layout()
        out = io.BytesIO()
        figure.savefig(out, format="png")
        return out.getvalue()
    finally:
        pyplot.close(figure)


def stored_chart(media: MediaStore, *, entries_label: str, quota_label: str,
                 drawing: Lane | None = None) -> Chart:
    """A chart function for the tally job: draws (0.3-1.4 s of CPU, in a worker thread of
    its own, one at a time: matplotlib's pyplot is not thread-safe), stores (content-hash
    name), returns the hash; a drawing failure costs the picture, never the table."""
    lane = drawing or Lane("tally-chart", 1)

    async def chart(title: str, rows: list[TallyRow]) -> str | None:
        try:
            png = await lane.run(render_chart, title, rows, entries_label=entries_label,
                                 quota_label=quota_label)
            return await media.store_chart(png)
        except Exception:
            log.warning("the tally chart %r could not be drawn or stored", title,
                        exc_info=True)
            return None
    return chart

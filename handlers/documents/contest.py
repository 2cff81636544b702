"""The year's report's contest section (its `ContestFigures` hook) from issue 19's
contest figures (handlers.contest.figures, the console's numbers too): per contest of the
year, the complete entries from the report's units, each prize given to them, those sent
to the city, and how many of the units sent more than their quota."""

from sqlmodel.ext.asyncio.session import AsyncSession

from handlers.contest.figures import contest_figures
from handlers.documents.report import ContestFigures
from handlers.documents.rounds import LOCALE
from handlers.shared.texts import Texts


def contest_section(texts: Texts) -> ContestFigures:
    """The hook the console's report button and `ntvt report` pass to year_report."""

    async def rows(session: AsyncSession, year: int,
                   units: frozenset[int]) -> list[tuple[str, int]]:
        found = await contest_figures(session, year, units)
        out: list[tuple[str, int]] = []
        for figures in found:
            def t(key: str, **values: str) -> str:
                return texts.get(LOCALE, f"documents.report.contest.{key}", **values)
            section = [(t("entries"), figures.entries),
                       *[(t("prize", prize=name), given) for _, name, given in figures.prizes],
                       (t("to_city"), figures.to_city),
                       (t("above_quota"), len(figures.above_quota))]
            # Two contests in one year: each row says whose it is.
            out += section if len(found) == 1 else [
                (t("of_contest", contest=figures.contest, label=label), n)
                for label, n in section]
        return out

    return rows

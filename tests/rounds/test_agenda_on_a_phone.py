"""The council's agenda is read on a phone in the meeting room: at 360 px nothing runs
off the side, in Vietnamese and in English."""

from tests.review.test_deciding_on_a_phone import opened
from tests.rounds.support import MEMBERS, new_round, nomination, post
from tests.webchat.conftest import browser  # noqa: F401  (a fixture)


async def test_the_agenda_fits_a_360_px_phone(console, browser, tmp_path):  # noqa: F811
    lanh = await nomination(console, photos=1, checked="Tổ trưởng tổ dân phố xác nhận.")
    await console.sign_in("phucxa.hung")
    the_round = await new_round(console)
    await post(console, f"/console/rounds/{the_round.id}/items", nomination=str(lanh.id))
    await post(console, f"/console/rounds/{the_round.id}/meeting", meeting_on="2026-12-05",
               meeting_place="Hội trường UBND phường Phúc Xá", members=MEMBERS)
    for lang in ("vi", "en"):
        context, page = await opened(console, browser,
                                     f"/console/rounds/{the_round.id}?lang={lang}")
        await page.screenshot(path=str(tmp_path / f"agenda-{lang}.png"), full_page=True)
        assert await page.evaluate("document.documentElement.scrollWidth") <= 360
        assert await page.locator(".dossier").count() == 1
        await context.close()

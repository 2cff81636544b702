"""A staff member who reads English picks it once in the header: every console page after
is in English, and so is the sign-in page after signing out and the console after signing
in again. Every text the console shows exists in Vietnamese and in English."""

import re

from tests.conftest import ROOT

# Prefixes the console's pages join with a value (t("status." ~ s)): every text under
# them is one a page may show.
SHOWN_BY_PREFIX = ("console.", "status.", "choice.field.", "choice.nominee_kind.",
                   "privacy.kind.", "privacy.status.", "reasons.")


async def test_the_chosen_language_is_kept_across_pages_and_sign_in(console):
    await console.sign_in("phucxa.hung")
    queue = await console.client.get("/console")
    assert '<html lang="vi">' in queue.text
    # The switch links to the same page, its filters kept, in the other language.
    tally = await console.client.get("/console/tally", params={"month": "2026-10"})
    switch = tally.text.split('class="lang-switch"')[1].split("</nav>")[0]
    assert 'href="/console/tally?month=2026-10&amp;lang=en"' in switch
    assert 'lang="vi" hreflang="vi" aria-current="true"' in switch

    english = await console.client.get("/console/tally?month=2026-10&lang=en")
    assert '<html lang="en">' in english.text and "Tally" in english.text
    for path in ("/console", "/console/groups", "/console/deadlines", "/console/dashboard",
                 "/console/sessions"):
        page = await console.client.get(path)
        assert '<html lang="en">' in page.text, path
        assert 'lang="en" hreflang="en" aria-current="true"' in page.text, path

    await console.client.post("/console/logout", data={"csrf": console.csrf(queue)})
    login = await console.client.get("/console/login")
    assert '<html lang="en">' in login.text and "Sign in" in login.text
    await console.sign_in("phucxa.hung")
    again = await console.client.get("/console")
    assert '<html lang="en">' in again.text and "Nominations" in again.text

    await console.client.get("/console?lang=vi")  # and back
    assert '<html lang="vi">' in (await console.client.get("/console/groups")).text


def test_every_console_text_is_in_both_languages(texts):
    def shown(locale: str) -> set[str]:
        return {key for key in texts.keys(locale) if key.startswith(SHOWN_BY_PREFIX)}

    assert sorted(shown("vi") - shown("en")) == [], "missing in English"
    assert sorted(shown("en") - shown("vi")) == [], "missing in Vietnamese"
    # And every text a console page names outright is there in both.
    named = set()
    for template in (ROOT / "templates" / "web" / "console").glob("*.html"):
        named |= set(re.findall(r"""\bt\(\s*["']([\w.@]+)["']""", template.read_text()))
    named = {key for key in named if not key.endswith((".", "_"))}  # joined with a value
    assert len(named) > 200
    for locale in ("vi", "en"):
        assert sorted(key for key in named if not texts.has(locale, key)) == [], locale


def test_the_english_texts_are_english(texts):
    """A text copied over untranslated shows Vietnamese to an English reader."""
    vietnamese = re.compile("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
    untranslated = [key for key in texts.keys("en") if key.startswith("console.dashboard.")
                    and vietnamese.search(texts.get("en", key).lower())]
    assert untranslated == []


async def test_a_staff_member_reading_english_exports_with_english_headings(console):
    """The spreadsheet is what they take to their meeting: its headings in the language
    they chose, like the pages it came from."""
    await console.sign_in("admin")
    await console.client.get("/console?lang=en")
    queue = (await console.client.get("/console/export.csv")).text.lstrip("\ufeff")
    assert queue.splitlines()[0].startswith("Reference")
    tally = (await console.client.get("/console/tally.csv", params={"month": "2026-10"})).text
    assert "Unit" in tally.lstrip("\ufeff").splitlines()[0]
    await console.client.get("/console?lang=vi")
    queue = (await console.client.get("/console/export.csv")).text.lstrip("\ufeff")
    assert queue.splitlines()[0].startswith("Mã số")

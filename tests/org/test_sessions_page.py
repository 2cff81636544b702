"""'Phiên đăng nhập': a staff member sees where they are signed in and ends a session
they do not recognise; the ended browser is refused on its very next request. An admin
signs a colleague out everywhere (a lost phone)."""

import re

from tests.support.process import csrf_of

PHONE = ("Mozilla/5.0 (Linux; Android 14; SM-A155F) AppleWebKit/537.36 (KHTML, like Gecko) "
         "Chrome/131.0.0.0 Mobile Safari/537.36")


def session_ids(page) -> list[int]:
    return [int(i) for i in re.findall(r'action="/console/sessions/(\d+)/end"', page.text)]


async def test_lan_ends_the_session_on_a_phone_she_lost(console):
    await console.sign_in("noivu.lan")
    phone = console.browser_at("10.30.0.8")
    phone.headers["user-agent"] = PHONE
    try:
        await console.sign_in("noivu.lan", client=phone)
        assert (await phone.get("/console")).status_code == 200

        page = await console.client.get("/console/sessions")
        assert "Phiên đăng nhập" in page.text
        assert "10.30.0.8" in page.text and "Chrome · Android" in page.text
        assert "Phiên này" in page.text
        mine = session_ids(await phone.get("/console/sessions"))
        ids = session_ids(page)
        assert len(ids) == 2 and set(ids) == set(mine)
        current = int(re.search(r'<tr class="current">.*?/console/sessions/(\d+)/end',
                                page.text, re.S).group(1))
        [lost] = [i for i in ids if i != current]

        forged = await console.client.post(f"/console/sessions/{lost}/end",
                                           data={"csrf": "doan"})
        assert forged.status_code == 403
        ended = await console.client.post(f"/console/sessions/{lost}/end",
                                          data={"csrf": csrf_of(page)})
        assert ended.headers["location"] == "/console/sessions?done=ended"
        assert (await phone.get("/console")).status_code == 303  # at once
        assert (await console.client.get("/console")).status_code == 200
        assert session_ids(await console.client.get("/console/sessions")) == [current]
    finally:
        await phone.aclose()


async def test_end_all_other_sessions_keeps_this_one(console):
    others = [console.browser_at(f"10.30.0.{n}") for n in (2, 3)]
    try:
        for browser in others:
            await console.sign_in("doican.mai", client=browser)
        await console.sign_in("doican.mai")
        page = await console.client.get("/console/sessions")
        assert len(session_ids(page)) == 3
        done = await console.client.post("/console/sessions/end-others",
                                         data={"csrf": csrf_of(page)})
        assert done.headers["location"] == "/console/sessions?done=ended_others"
        for browser in others:
            assert (await browser.get("/console")).status_code == 303
        assert (await console.client.get("/console")).status_code == 200
    finally:
        for browser in others:
            await browser.aclose()


async def test_ending_this_session_signs_out_here(console):
    await console.sign_in("phucxa.hung")
    page = await console.client.get("/console/sessions")
    [mine] = session_ids(page)
    out = await console.client.post(f"/console/sessions/{mine}/end",
                                    data={"csrf": csrf_of(page)})
    assert out.headers["location"] == "/console/login"
    assert (await console.client.get("/console")).status_code == 303


async def test_an_admin_signs_a_colleague_out_everywhere(console):
    hung = console.browser_at("10.30.0.20")
    try:
        await console.sign_in("phucxa.hung", client=hung)
        hung_page = await hung.get("/console/sessions")
        [hung_session] = session_ids(hung_page)

        # Another reviewer can neither end his session by its number nor all of his.
        await console.sign_in("noivu.lan")
        page = await console.client.get("/console/sessions")
        assert "Kết thúc mọi phiên của một cán bộ" not in page.text
        guessed = await console.client.post(f"/console/sessions/{hung_session}/end",
                                            data={"csrf": csrf_of(page)})
        assert guessed.headers["location"] == "/console/sessions?problem=gone"
        refused = await console.client.post("/console/sessions/end-staff", data={
            "csrf": csrf_of(page), "username": "phucxa.hung"})
        assert refused.status_code == 403
        assert (await hung.get("/console")).status_code == 200
        await console.client.post("/console/logout", data={"csrf": csrf_of(page)})

        await console.sign_in("admin")
        page = await console.client.get("/console/sessions")
        assert "Kết thúc mọi phiên của một cán bộ" in page.text
        unknown = await console.client.post("/console/sessions/end-staff", data={
            "csrf": csrf_of(page), "username": "khong.co.ai"})
        assert unknown.headers["location"] == "/console/sessions?problem=unknown_staff"
        done = await console.client.post("/console/sessions/end-staff", data={
            "csrf": csrf_of(page), "username": "phucxa.hung"})
        assert done.headers["location"] == "/console/sessions?done=ended_staff"
        assert (await hung.get("/console")).status_code == 303
        assert (await console.client.get("/console")).status_code == 200
    finally:
        await hung.aclose()

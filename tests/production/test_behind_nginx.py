"""deploy/nginx.conf, as a contractor installs it, in front of two real processes on
PostgreSQL (a self-signed certificate stands in for certbot's, and free ports for 80, 443,
8001 and 8002). Over HTTPS through it: a resident sends a phone photo and her nomination,
cookies carry `Secure`, /metrics stays private, a client cannot pass a made-up address
through to dodge sign-in throttling, and with one process stopped for an upgrade the
other answers."""

import asyncio
import os
import re
import shutil
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from tests.media.web_visitor import WebVisitor
from tests.production.test_behind_a_proxy import ENOUGH_FAILURES, set_cookies
from tests.support.console import PASSWORD
from tests.support.images import phone_photo
from tests.support.process import BotProcess, csrf_of, free_port, set_password, start_bot

pytestmark = [pytest.mark.process, pytest.mark.postgres, pytest.mark.timeout(300)]
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
NAME = "phuong.example.vn"


def site_config(folder: Path, http_port: int, https_port: int, apps: list[int]) -> str:
    """deploy/nginx.conf with only the machine's particulars changed: ports, certificate."""
    site = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    site = re.sub(r"\n\s*listen \[::\]:.*;", "", site)  # no IPv6 on every test machine
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http_port};")
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https_port} ssl http2;")
    for example, port in zip(("8001", "8002"), apps, strict=True):
        site = site.replace(f"server 127.0.0.1:{example} ", f"server 127.0.0.1:{port} ")
    site = site.replace(f"/etc/letsencrypt/live/{NAME}", str(folder))
    assert str(http_port) in site and str(https_port) in site and str(apps[1]) in site
    return site


def main_config(folder: Path) -> str:
    # Debian's /etc/nginx/nginx.conf, cut to what a site needs, writing only in `folder`.
    temp = "\n".join(f"    {kind}_temp_path {folder}/{kind};"
                     for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    return (("user root;\n" if os.geteuid() == 0 else "")
            + f"pid {folder}/nginx.pid;\nerror_log {folder}/error.log;\nevents {{}}\n"
            f"http {{\n    access_log {folder}/access.log;\n{temp}\n"
            f"    include {folder}/site.conf;\n}}\n")


@pytest.fixture
async def two_processes(tmp_path: Path, fresh_postgres: str) -> AsyncIterator[list[BotProcess]]:
    settings = {"DATABASE_URL": fresh_postgres, "FORWARDED_ALLOW_IPS": "127.0.0.1"}
    bots = []
    try:
        for name in ("a", "b"):
            (tmp_path / name).mkdir()
            bots.append(await start_bot(tmp_path / name, **settings))
        await set_password(tmp_path, fresh_postgres, "admin", PASSWORD)
        yield bots
    finally:
        for bot in bots:
            await bot.stop()


@pytest.fixture
async def nginx(tmp_path: Path, two_processes: list[BotProcess]) -> AsyncIterator[str]:
    folder = tmp_path / "nginx"
    folder.mkdir()
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", f"/CN={NAME}", "-keyout", folder / "privkey.pem",
                    "-out", folder / "fullchain.pem"], check=True, capture_output=True)
    http_port, https_port = free_port(), free_port()
    apps = [int(bot.base_url.rsplit(":", 1)[1]) for bot in two_processes]
    (folder / "site.conf").write_text(site_config(folder, http_port, https_port, apps))
    (folder / "nginx.conf").write_text(main_config(folder))
    command = [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")]
    checked = subprocess.run([*command, "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr  # what `nginx -t` tells the contractor
    process = await asyncio.create_subprocess_exec(*command, "-g", "daemon off;")
    try:
        async with httpx.AsyncClient(verify=False) as client:
            for _ in range(100):
                try:
                    await client.get(f"https://127.0.0.1:{https_port}/healthz")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        yield f"{http_port} {https_port}"
    finally:
        process.terminate()
        await process.wait()


async def test_two_processes_behind_the_example_nginx(nginx: str,
                                                      two_processes: list[BotProcess]) -> None:
    http_port, https_port = nginx.split()
    site = f"https://127.0.0.1:{https_port}"
    async with httpx.AsyncClient(base_url=site, verify=False, timeout=60,
                                 headers={"Host": NAME}) as browser:
        plain = await httpx.AsyncClient().get(f"http://127.0.0.1:{http_port}/chat",
                                              headers={"Host": NAME})
        assert plain.status_code == 301
        assert plain.headers["location"] == f"https://{NAME}/chat"
        assert (await browser.get("/metrics")).status_code == 404
        login = await browser.get("/console/login")
        assert "Secure" in set_cookies(login)["ntvt_login"]
        assert "max-age=" in login.headers["strict-transport-security"]

        # A resident's nomination, with a 3.5 MB phone photo (nginx's default cap is 1 MB).
        hoa = WebVisitor.at(site, verify=False)
        hoa.client.headers["Host"] = NAME
        try:
            await hoa.up_to_the_photos()
            await hoa.photo(phone_photo(), name="IMG_0001.jpg")
            assert "Đã nhận 1 ảnh" in hoa.text(), hoa.text()
            reference = await hoa.send_as_the_proposer()

            # An upgrade restarts the first process: the proxy sends everyone to the other.
            await two_processes[0].stop()
            for _ in range(5):
                assert (await browser.get("/chat")).status_code == 200
            await hoa.say("/my")
            assert reference in hoa.text(), hoa.text()
        finally:
            await hoa.close()

        # nginx writes the address it saw, so a guesser claiming a new one each time is
        # still one address to the sign-in throttle.
        for guess in range(ENOUGH_FAILURES):
            form = await browser.get("/console/login")
            failed = await browser.post("/console/login", headers={
                "X-Forwarded-For": f"203.0.113.{guess + 1}"}, data={
                "username": f"doan-{guess}", "password": "doan-bua", "csrf": csrf_of(form)})
            assert failed.headers["location"] == "/console/login?failed=wrong"
        form = await browser.get("/console/login")
        dodging = await browser.post("/console/login", headers={
            "X-Forwarded-For": "198.51.100.23"}, data={
            "username": "admin", "password": PASSWORD, "csrf": csrf_of(form)})
        assert dodging.headers["location"].startswith("/console/login?failed=throttled")

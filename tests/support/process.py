"""Run the real product, `python -m bot run`, as a separate process."""

import asyncio
import os
import socket
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class BotProcess:
    process: asyncio.subprocess.Process
    base_url: str
    database_url: str
    log: Path

    async def stop(self) -> None:
        if self.process.returncode is None:
            self.process.terminate()
            try:
                await asyncio.wait_for(self.process.wait(), 15)
            except TimeoutError:
                self.process.kill()
                await self.process.wait()


def _environment(workdir: Path, port: int, settings: dict[str, str]) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("TELEGRAM_", "ZALO_"))}
    env.update(DATABASE_URL=f"sqlite+aiosqlite:///{workdir / 'ntvt.db'}",
               MEDIA_DIR=str(workdir / "media"), WEB_PORT=str(port), WEB_HOST="127.0.0.1")
    env.update(settings)
    return env


@dataclass(frozen=True)
class Finished:
    code: int
    stdout: str
    stderr: str
    listened: bool  # whether WEB_PORT ever took a connection while it ran


async def run_to_the_end(workdir: Path, *args: str, within: float = 30.0,
                         **settings: str) -> Finished:
    """`python -m bot ARGS…` (`run` unless told) with start_bot's settings, expected to
    end by itself; its web port is tried all along, to tell whether it ever served."""
    port = free_port()
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *(args or ("run",)), cwd=workdir,
        env=_environment(workdir, port, settings), stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    outputs = asyncio.ensure_future(process.communicate())
    listened = False
    try:
        async with asyncio.timeout(within):
            while not outputs.done():
                try:
                    _, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.close()
                    listened = True
                except OSError:
                    pass
                await asyncio.wait({outputs}, timeout=0.02)
    except TimeoutError:
        process.kill()
        await outputs
        raise AssertionError(f"python -m bot {' '.join(args)} did not end by itself") from None
    stdout, stderr = outputs.result()
    assert process.returncode is not None
    return Finished(process.returncode, stdout.decode(), stderr.decode(), listened)


async def start_bot(workdir: Path, *, up_within: float = 30.0,
                    command: Sequence[str] = (sys.executable, "-m", "bot"),
                    **settings: str) -> BotProcess:
    """`command run` (this checkout's `python -m bot` unless told, e.g. an installed
    wheel's `ntvt`), with WEB_PORT, MEDIA_DIR and a SQLite DATABASE_URL in `workdir`
    unless given."""
    port = free_port()
    env = _environment(workdir, port, settings)
    database_url = env["DATABASE_URL"]
    log = workdir / "bot.log"
    handle = log.open("ab")
    process = await asyncio.create_subprocess_exec(
        *command, "run", cwd=workdir, env=env, stdout=handle, stderr=handle)
    base_url = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient() as client:
        for _ in range(int(up_within * 10)):
            if process.returncode is not None:
                raise RuntimeError(f"bot exited early:\n{log.read_text()}")
            try:
                if (await client.get(f"{base_url}/healthz")).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError(f"bot did not come up:\n{log.read_text()}")
    return BotProcess(process, base_url, database_url, log)


async def set_password(workdir: Path, database_url: str, username: str, password: str) -> None:
    """`python -m bot set-password`, the password on standard input as a script would."""
    env = {**os.environ, "DATABASE_URL": database_url}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "set-password", username, cwd=workdir, env=env,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT)
    output, _ = await process.communicate(f"{password}\n".encode())
    if process.returncode != 0:
        raise RuntimeError(f"set-password failed:\n{output.decode()}")


async def run_cli(workdir: Path, database_url: str, *args: str) -> tuple[int, str]:
    """`python -m bot ARGS…` against a database; its exit code and standard output."""
    env = {**os.environ, "DATABASE_URL": database_url, "LOG_LEVEL": "WARNING"}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *args, cwd=workdir, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    output, _ = await process.communicate()
    return process.returncode or 0, output.decode()


def csrf_of(page: httpx.Response) -> str:
    """The console form's CSRF token, as the browser would post it back."""
    return page.text.split('name="csrf" value="')[1].split('"')[0]


async def signed_in(base_url: str, username: str, password: str) -> httpx.AsyncClient:
    """A staff member's browser signed in to a running process's console, enrolling an
    authenticator app first when the console asks (an admin's first sign-in), and using
    it the next time (the same test's database, e.g. restored from a backup)."""
    from tests.support.authenticator import PHONES

    client = httpx.AsyncClient(base_url=base_url, timeout=60)
    form = await client.get("/console/login")
    answer = await client.post("/console/login", data={
        "username": username, "password": password, "csrf": csrf_of(form)})
    answer = await PHONES.finish(client, username, answer)
    assert answer.headers.get("location") == "/console", answer.text
    return client

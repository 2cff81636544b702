"""deploy/ as a ward's contractor uses it. No container engine, systemd or nginx runs on
our machines, so each file is read here for what would break a real server: a step the
wheel test does not run, a setting the product would ignore, a proxy that hides the
client's address, a restart loop on a wrong setting, a stop cut short."""

import json
import os
import re
import subprocess
from pathlib import Path

import yaml

from bot.cli import EX_CONFIG
from bot.settings import Settings
from storage.media.photo_codec import MediaLimits
from tests.conftest import ROOT

DEPLOY = ROOT / "deploy"
SETTINGS = {name.upper() for name in Settings.model_fields}
GRACEFUL_STOP_SECONDS = 10  # tests/production/test_graceful_stop.py


def instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", dockerfile.read_text(encoding="utf-8"))
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1])
            for line in joined.splitlines() if line.strip() and not line.startswith("#")]


def stages(steps: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    found: list[list[tuple[str, str]]] = []
    for step in steps:
        if step[0] == "FROM":
            found.append([])
        found[-1].append(step)
    return found


def megabytes(size: str) -> float:
    number, unit = re.fullmatch(r"(\d+)\s*([kKmMgG])[bB]?", size).groups()  # type: ignore[union-attr]
    return int(number) * {"k": 1 / 1024, "m": 1, "g": 1024}[unit.lower()]


def test_the_image_is_the_wheel_tests_commands_in_two_stages_without_root():
    steps = instructions(DEPLOY / "Dockerfile")
    build, final = stages(steps)
    for stage in (build, final):
        assert re.fullmatch(r"python:3\.\d+-slim( AS \w+)?", stage[0][1]), stage[0]
    runs = " && ".join(arguments for kind, arguments in steps if kind == "RUN")
    # Exactly what tests/production/test_wheel.py runs, and nothing that could install
    # the product another way (an editable install, a requirements file, the source).
    assert "pip wheel --no-deps --wheel-dir /dist ." in runs
    assert "python -m venv /opt/ntvt" in runs and "/opt/ntvt/bin/pip install" in runs
    assert not re.search(r"pip install (-e|--editable|-r|\.)", runs)
    [(_, copied)] = [step for step in final if step[0] == "COPY"]
    assert copied.startswith("--from=wheel "), "the final image gets the wheel, not the source"
    users = [arguments for kind, arguments in final if kind == "USER"]
    assert users and users[-1] not in ("root", "0")
    final_env = " ".join(arguments for kind, arguments in final if kind == "ENV")
    assert "ENV=production" in final_env
    port = re.search(r"WEB_PORT=(\d+)", final_env)[1]  # type: ignore[index]
    [healthcheck] = [arguments for kind, arguments in final if kind == "HEALTHCHECK"]
    assert f"http://127.0.0.1:{port}/readyz" in healthcheck
    assert ("CMD", '["ntvt", "run"]') in final
    assert "test_wheel.py" in (DEPLOY / "Dockerfile").read_text(encoding="utf-8")


def test_the_image_is_built_without_data_or_secrets():
    ignored = (DEPLOY / "Dockerfile.dockerignore").read_text(encoding="utf-8").split()
    for secret in (".env", ".venv", ".git", "*.db", "media", "deploy/ntvt.env"):
        assert secret in ignored


def test_compose_runs_two_processes_on_postgres_behind_caddy():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    services, volumes = compose["services"], compose["volumes"]
    assert "pgdata:/var/lib/postgresql/data" in services["db"]["volumes"]
    assert services["migrate"]["command"] == ["ntvt", "migrate"]
    apps = [name for name, service in services.items()
            if service.get("build", {}).get("dockerfile") == "deploy/Dockerfile"
            and "command" not in service]
    assert apps == ["app-1", "app-2"]
    for name in apps:
        app = services[name]
        environment = app["environment"]
        assert environment["ENV"] == "production"
        # Over what a copy of .env.example in env_file says (127.0.0.1, SQLite).
        assert environment["WEB_HOST"] == "0.0.0.0"
        assert environment["DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert environment["PUBLIC_URL"].startswith("https://")
        assert environment["FORWARDED_ALLOW_IPS"]
        assert set(environment) <= SETTINGS, set(environment) - SETTINGS
        assert f"media:{environment['MEDIA_DIR']}" in app["volumes"]
        assert app["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
        grace = int(app["stop_grace_period"].rstrip("s"))
        assert grace > GRACEFUL_STOP_SECONDS
    assert {"pgdata", "media"} <= volumes.keys()
    backup = services["backup"]
    assert backup["profiles"] == ["tools"], "started only when asked for"
    assert backup["image"] == services["db"]["image"], "pg_dump of the server's version"
    assert {"./backup.sh:/deploy/backup.sh:ro", "./restore.sh:/deploy/restore.sh:ro",
            f"media:{backup['environment']['MEDIA_DIR']}"} <= set(backup["volumes"])
    proxy = services["proxy"]
    assert proxy["image"].startswith("caddy:")
    assert "./Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert "443:443" in proxy["ports"]


def caddy_routes(config: dict) -> list[dict]:
    """Every handler of the adapted Caddyfile, subroutes opened, with its matchers."""
    found = []
    for server in config["apps"]["http"]["servers"].values():
        stack = list(server["routes"])
        while stack:
            route = stack.pop(0)
            for handler in route.get("handle", []):
                found.append({**handler, "match": route.get("match", [])})
                stack.extend(handler.get("routes", []))
    return found


def test_caddy_balances_both_processes_and_takes_a_full_photo():
    """`caddy adapt` reads the Caddyfile as Caddy itself does: a misspelled directive
    fails here, and the result says what Caddy will really do."""
    adapted = subprocess.run(
        ["caddy", "adapt", "--config", DEPLOY / "Caddyfile", "--adapter", "caddyfile"],
        capture_output=True, text=True, env={**os.environ, "NTVT_DOMAIN": "phuong.example.vn"})
    assert adapted.returncode == 0, adapted.stderr
    routes = caddy_routes(json.loads(adapted.stdout))
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text(encoding="utf-8"))
    port = compose["x-app"]["environment"]["WEB_PORT"]
    [proxy] = [route for route in routes if route["handler"] == "reverse_proxy"]
    assert [u["dial"] for u in proxy["upstreams"]] == [f"app-1:{port}", f"app-2:{port}"]
    # /healthz: /readyz turns 503 while Telegram is down, and the web chat must not.
    assert proxy["health_checks"]["active"]["uri"] == "/healthz"
    assert proxy["load_balancing"]["try_duration"] > 0
    [body] = [route for route in routes if route["handler"] == "request_body"]
    assert body["max_size"] > MediaLimits().max_bytes
    [hidden] = [route for route in routes if route["handler"] == "static_response"]
    assert hidden["match"] == [{"path": ["/metrics"]}] and hidden["status_code"] == 404


def unit_lines(path: Path) -> dict[str, list[str]]:
    """systemd's syntax: a key may repeat (Environment=), unlike configparser's."""
    found: dict[str, list[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "=" in line and not line.startswith(("#", ";", "[")):
            key, value = line.split("=", 1)
            found.setdefault(key, []).append(value)
    return found


def test_the_systemd_unit_does_not_loop_on_a_wrong_setting_and_stops_gracefully():
    unit = unit_lines(DEPLOY / "ntvt@.service")
    assert unit["RestartPreventExitStatus"] == [str(EX_CONFIG)]
    assert unit["Restart"] == ["on-failure"]
    assert int(unit["TimeoutStopSec"][0]) > GRACEFUL_STOP_SECONDS
    assert unit["KillSignal"] == ["SIGTERM"]
    assert unit["User"][0] not in ("root", "0")
    assert unit["EnvironmentFile"] == ["/etc/ntvt/ntvt.env"]
    # Values from EnvironmentFile= win over Environment=: what the unit decides rides on
    # the command line, where a copy of .env.example cannot undo it.
    assert "Environment" not in unit
    [migrate], [run] = unit["ExecStartPre"], unit["ExecStart"]
    for command, verb in ((migrate, "migrate"), (run, "run")):
        words = command.split()
        assert words[0] == "/usr/bin/env" and words[-2:] == ["/opt/ntvt/bin/ntvt", verb]
        environment = dict(word.split("=", 1) for word in words[1:-2])
        assert set(environment) <= SETTINGS
        assert environment["ENV"] == "production"
    assert environment["FORWARDED_ALLOW_IPS"] == "127.0.0.1"
    assert environment["WEB_HOST"] == "127.0.0.1", "only the proxy reaches the app"
    assert environment["WEB_PORT"] == "%i"


def test_nginx_passes_the_client_and_https_on_to_both_processes():
    nginx = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    unit = (DEPLOY / "ntvt@.service").read_text(encoding="utf-8")
    upstream = re.findall(r"server 127\.0\.0\.1:(\d+)", nginx)
    assert len(upstream) == 2
    for port in upstream:
        assert f"ntvt@{port}" in unit, "the unit's instructions start these ports"
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in nginx
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in nginx
    assert "listen 443 ssl http2;" in nginx and "return 301 https://" in nginx
    body = re.search(r"client_max_body_size (\S+);", nginx)[1]  # type: ignore[index]
    assert megabytes(body) * 1024 * 1024 > MediaLimits().max_bytes
    assert "location = /metrics { return 404; }" in nginx

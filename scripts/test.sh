#!/usr/bin/env bash
# Install everything the tests need, from this project's own files, then run every test.
# PostgreSQL and browser tests are on: in CI (CI=true) a missing server or browser fails.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's packages the tests drive as real programs: the browser for the phone-width
# tests, nginx and Caddy for deploy/'s proxy files, pg_dump and psql for the backup scripts.
missing=()
for need in chromium:chromium nginx:nginx-light caddy:caddy pg_dump:postgresql-client; do
  command -v "${need%%:*}" >/dev/null 2>&1 || [ -x "/usr/sbin/${need%%:*}" ] || missing+=("${need#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

python3 -m venv .venv
.venv/bin/pip install -q --upgrade pip
.venv/bin/pip install -q -e ".[test]"

export NTVT_TEST_POSTGRES_URL="${NTVT_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/test}"
.venv/bin/ruff check .
.venv/bin/mypy
.venv/bin/lint-imports
.venv/bin/python -m pytest -q "$@"

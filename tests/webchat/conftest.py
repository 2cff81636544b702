"""Headless Chromium for the web chat's browser tests: required in CI, skipped elsewhere
when it is not installed."""

import os
import shutil

import pytest
from playwright.async_api import async_playwright

CHROMIUM = os.environ.get("NTVT_CHROMIUM", shutil.which("chromium") or "/usr/bin/chromium")
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture
async def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is required in CI and missing at {CHROMIUM}")
        pytest.skip("Chromium is not installed")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield launched
        await launched.close()

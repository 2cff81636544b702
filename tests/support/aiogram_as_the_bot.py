"""A pytest plugin (`-p` in pyproject.toml): aiogram is imported as `python -m bot` imports
it, its types built on first use, so the tests in this process run the bot's own path."""

import pytest

from bot.telegram.lazy_models import build_aiogram_models_on_first_use


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests() -> None:
    build_aiogram_models_on_first_use()

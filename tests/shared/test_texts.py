"""Every text the code asks for exists in Vietnamese and in English."""

import re
from pathlib import Path

import pytest

from handlers.intake.flow import FIELDS, STEPS
from handlers.intake.steps import ChoiceStep, PhoneStep
from handlers.shared.texts import LOCALES, Texts
from tests.conftest import ROOT

LITERAL_KEY = re.compile(
    r"""(?:\.t|\.reply|\.button|texts\.get)\(\s*(?:[a-z_.]+,\s*)?"([a-z_.]+)\"""")


def keys_used_in_code() -> set[str]:
    used = set()
    for path in [*Path(ROOT / "handlers").rglob("*.py"), *Path(ROOT / "bot").rglob("*.py")]:
        used |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    for step in STEPS:
        used |= {f"label.{step.name}"}
        if isinstance(step, ChoiceStep):
            used |= {f"choice.{step.name}.{option}" for option in step.options}
        if isinstance(step, PhoneStep):
            used |= {f"ask.{step.name}.share_or_type", f"ask.{step.name}.type"}
        elif step.name != "photos":
            used.add(f"ask.{step.name}")
    used |= {f"choice.field.{field}" for field in FIELDS}
    return used


def test_both_locales_have_the_same_keys(texts: Texts):
    assert texts.keys("vi") == texts.keys("en")


def test_every_key_the_code_uses_exists(texts: Texts):
    used = keys_used_in_code()
    assert len(used) > 60  # the scan really found the code's keys
    for locale in LOCALES:
        assert used - texts.keys(locale) == set(), locale


def test_vietnamese_texts_carry_diacritics(texts: Texts):
    assert "Người" in texts.get("vi", "help") or "đề xuất" in texts.get("vi", "help")
    assert "ảnh" in texts.get("vi", "ask.photos", count=0, limit=10)


def test_a_capability_keeps_its_texts_in_its_own_file_and_a_key_is_defined_once(tmp_path):
    for locale in ("vi", "en"):
        (tmp_path / locale).mkdir()
        (tmp_path / f"{locale}.yaml").write_text("console:\n  title: Bảng\n", encoding="utf-8")
        (tmp_path / locale / "dashboard.yaml").write_text(
            "dashboard:\n  title: Tổng quan\n", encoding="utf-8")
    texts = Texts.load(tmp_path)
    assert texts.get("vi", "dashboard.title") == "Tổng quan"
    assert texts.get("en", "console.title") == "Bảng"
    (tmp_path / "vi" / "again.yaml").write_text("console:\n  title: Khác\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"console\.title"):
        Texts.load(tmp_path)

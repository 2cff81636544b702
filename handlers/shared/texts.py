"""The catalogue of texts a person reads, loaded from templates/bot/<locale>.yaml and, one
file per capability, templates/bot/<locale>/*.yaml (the console's administration, the
dashboard...), so that a capability's texts live beside each other and not in one long file."""

import re
from pathlib import Path
from typing import Any

import yaml

LOCALES = ("vi", "en")


# Plural forms sit under a text's key as `one` and `many` (not CLDR's "other", which is
# a choice's name here: choice.field.other).
PLURAL_FORM = re.compile(r"\.(one|many)$")
# A text that names a gesture has a variant per channel beside it, `key@zalo` and
# `key@webchat`: Telegram has buttons to press ("bấm"), the web chat chips to tap
# ("chạm"), Zalo only numbers to type ("gõ số"). The plain key is Telegram's.
CHANNEL_VARIANT = re.compile(r"@\w+$")


class Texts:
    def __init__(self, catalogue: dict[str, dict[str, str]], default_locale: str = "vi") -> None:
        self._catalogue = catalogue
        self.default_locale = default_locale

    @classmethod
    def load(cls, directory: Path, default_locale: str = "vi") -> "Texts":
        catalogue = {}
        for locale in LOCALES:
            files = [directory / f"{locale}.yaml", *sorted((directory / locale).glob("*.yaml"))]
            table: dict[str, str] = {}
            for file in files:
                texts = _flatten(yaml.safe_load(file.read_text(encoding="utf-8")) or {})
                twice = table.keys() & texts.keys()
                if twice:
                    raise ValueError(f"{file}: texts already defined: {sorted(twice)[:5]}")
                table.update(texts)
            catalogue[locale] = table
        return cls(catalogue, default_locale)

    def keys(self, locale: str) -> set[str]:
        """Every key, a text with plural forms under its own name, and a channel's
        variant under its own (`hint.menu@zalo`)."""
        return {PLURAL_FORM.sub("", key) for key in self._catalogue[locale]}

    def group(self, locale: str, prefix: str) -> dict[str, str]:
        """The texts under `prefix.` (e.g. the reason templates of one decision)."""
        table = self._catalogue.get(locale) or self._catalogue[self.default_locale]
        start = f"{prefix}."
        return {key.removeprefix(start): text for key, text in table.items()
                if key.startswith(start)}

    def has(self, locale: str, key: str) -> bool:
        table = self._catalogue.get(locale) or self._catalogue[self.default_locale]
        return key in table or f"{key}.many" in table

    def get(self, locale: str, key: str, /, channel: str | None = None, **values: Any) -> str:
        """`channel`: the channel the text is for, whose variant wins where there is one."""
        table = self._catalogue.get(locale) or self._catalogue[self.default_locale]
        if channel is not None:
            variant = f"{key}@{channel}"
            if variant in table or f"{variant}.many" in table:
                key = variant
        if key not in table and f"{key}.many" in table:
            # A text with plural forms (English: "1 photo", "3 photos"); Vietnamese has one.
            one = f"{key}.one"
            key = one if values.get("count") == 1 and one in table else f"{key}.many"
        template = table.get(key) or self._catalogue[self.default_locale][key]
        return template.format(**values) if values else template


def _flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in tree.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value).rstrip("\n")
    return flat

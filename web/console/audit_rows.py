"""How an audit row reads for a person (the log page and its CSV): names, labels and the
row's detail in words, from the texts in templates/bot/<locale>.yaml."""

from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from storage.audit.log import LogRow
from web.console.admin.audit_words import CALENDAR_ACTIONS, calendar_words

Text = Callable[..., str]
# The filters of the queue export and of the log itself whose values are codes with a label.
CODED = {"status": "status.{}", "field": "choice.field.{}"}


def action_label(labels: Mapping[str, str], action: str) -> str:
    """A known action by its label; one added later (e.g. a new privacy action) by its code."""
    return labels.get(action, action)


def action_labels(group: Callable[[str], dict[str, str]]) -> dict[str, str]:
    """Decisions' labels and the access log's, one table (the access log's win)."""
    return {**group("console.action"), **group("console.audit.action")}


def _day(value: str) -> str:
    try:
        return date.fromisoformat(value).strftime("%d/%m/%Y")
    except ValueError:
        return value


def filter_words(t: Text, shown: Mapping[str, Any], labels: Mapping[str, str]) -> str:
    """A filter as "label: value" pairs: a status or field by its label, dates day first."""
    parts = []
    for key, value in shown.items():
        text = str(value)
        if key in CODED:
            text = t(CODED[key].format(text))
        elif key == "action":
            text = action_label(labels, text)
        elif key in ("from", "to"):
            text = _day(text)
        parts.append(t("console.audit.pair", name=t(f"console.audit.key.{key}"), value=text))
    return "; ".join(parts)


def describe(row: LogRow, t: Text, labels: Mapping[str, str]) -> str:
    """The row's detail in a line: what was shown or changed, for an inspector."""
    d = row.detail
    if row.source == "decision":
        before = t(f"status.{row.from_status}") if row.from_status else "—"
        moved = t("console.audit.detail.moved", before=before,
                  after=t(f"status.{row.to_status}")) if row.to_status else ""
        return " ".join(part for part in (moved, row.reason or "") if part)
    if row.action == "photo":
        return t("console.audit.detail.photo", photo=d.get("photo", "?"))
    if row.action in ("export", "audit_export"):
        said = t("console.audit.detail.export", rows=d.get("rows", 0),
                 format=str(d.get("format", "")).upper())
        shown = d.get("filter") or {}
        return said + (f" ({filter_words(t, shown, labels)})" if shown else "")
    if row.action == "sign_in":
        return t("console.audit.detail.sign_in", username=d.get("username", ""),
                 address=d.get("address", ""))
    if row.action in ("group_link", "group_unlink"):
        chat = (row.target or "").removeprefix("chat:")
        return t("console.audit.detail.group", chat=chat,
                 units=", ".join(d.get("units") or []) or "—")
    if row.action == "deadline_done":
        return t("console.audit.detail.deadline", task=d.get("task", ""),
                 unit=d.get("unit", ""), due=_day(str(d.get("due", ""))))
    if row.action in CALENDAR_ACTIONS:
        return calendar_words(row.action, d, t)
    extra = [f"{key}: {value}" for key, value in d.items()]
    return "; ".join(([row.target] if row.target else []) + extra)


def who(row: LogRow, t: Text) -> str:
    """Staff by full name; a chat user the bot does not know by their id on the channel."""
    if row.staff_name:
        return row.staff_name
    return t("console.audit.unknown_user", id=row.external_id) if row.external_id \
        else t("console.someone")

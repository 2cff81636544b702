"""How the access log reads the calendar administration's rows: the campaign and the
quotas it changed, the task and its reminders, the reason templates changed."""

from collections.abc import Callable
from typing import Any

Text = Callable[..., str]
CALENDAR_ACTIONS = ("campaign_saved", "deadline_task_saved", "deadline_task_removed",
                    "reason_templates")
SHOWN_QUOTAS = 5


def _due(task: dict[str, Any]) -> str:
    yearly = task.get("yearly") or ""
    return f"{yearly[3:]}/{yearly[:2]}" if yearly else str(task.get("once_on") or "")


def calendar_words(action: str, detail: dict[str, Any], t: Text) -> str:
    if action == "campaign_saved":
        quotas = ", ".join(t("console.audit.detail.admin_calendar.quota", unit=q["unit"],
                             before="—" if q["before"] is None else q["before"],
                             after=q["after"])
                           for q in detail.get("quotas", [])[:SHOWN_QUOTAS])
        more = detail.get("quotas_changed", 0) - SHOWN_QUOTAS
        return t("console.audit.detail.admin_calendar.campaign", campaign=detail["campaign"],
                 starts=detail["starts_on"], ends=detail["ends_on"],
                 default=detail["default_quota"], count=detail.get("quotas_changed", 0),
                 quotas=quotas + (f" (+{more})" if more > 0 else ""))
    if action == "deadline_task_saved":
        after, before = detail["after"], detail.get("before") or {}
        said = t("console.audit.detail.admin_calendar.task", task=detail["task"],
                 due=_due(after), leads=", ".join(str(n) for n in after["lead_days"]))
        if before and before.get("lead_days") != after["lead_days"]:
            said += " " + t("console.audit.detail.admin_calendar.task_before",
                            leads=", ".join(str(n) for n in before.get("lead_days", [])))
        return said
    if action == "deadline_task_removed":
        return str(detail.get("task", ""))
    return t("console.audit.detail.admin_calendar.reasons",
             changed=", ".join(detail.get("changed", [])) or "—")

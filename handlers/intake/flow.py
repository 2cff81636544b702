"""The nomination, as a table of steps, in the order a person is asked.

Each step's name is the draft key it fills, and names its texts in templates/bot:
`ask.<name>` (the question), `label.<name>` (the summary line), `choice.<name>.<option>`.
"""

from handlers.intake.steps import ChoiceStep, DateStep, Draft, PhoneStep, PhotoStep, Step, TextStep
from handlers.intake.unit_step import UnitStep
from handlers.intake.validators import parse_deed, parse_name, parse_short_text

FIELDS = ("economy", "urban_order", "culture_society", "education", "health",
          "security_order", "social_welfare", "other")


def _on_behalf(draft: Draft) -> bool:
    return draft.get("on_behalf") == "other"


STEPS: tuple[Step, ...] = (
    ChoiceStep("nominee_kind", ("individual", "collective"), per_row=2),
    TextStep("nominee_name", parse_name),
    TextStep("nominee_role", parse_short_text),
    UnitStep("unit_id"),
    TextStep("place", parse_short_text),
    ChoiceStep("field", FIELDS, per_row=2),
    TextStep("deed", parse_deed),
    DateStep("deed_date"),
    PhotoStep("photos"),
    TextStep("submitter_name", parse_name, suggest_profile_name=True),
    PhoneStep("submitter_phone"),
    ChoiceStep("on_behalf", ("self", "other")),
    TextStep("on_behalf_of", parse_name, applies=_on_behalf),
)

BY_NAME = {step.name: step for step in STEPS}


def next_step(draft: Draft, after: str | None) -> Step | None:
    """The first step after `after` that applies and is still empty; None means the summary.

    The same rule serves a first pass and an edit from the summary: editing "on behalf"
    to "other" asks for whom, and editing anything else goes straight back.
    """
    names = [step.name for step in STEPS]
    start = names.index(after) + 1 if after in names else 0
    for step in STEPS[start:]:
        if step.applies(draft) and not step.is_filled(draft):
            return step
    return None


def applicable(draft: Draft) -> list[Step]:
    return [step for step in STEPS if step.applies(draft)]

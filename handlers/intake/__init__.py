"""Intake: a resident proposes an exemplar. The dialog, its steps and validators, submit,
the duplicates offer, answers to "needs info", withdraw. Uses shared/ and storage; nothing
of review or units (one exception, named in pyproject.toml)."""

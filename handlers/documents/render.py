"""A template from templates/documents/ filled with a context, as DOCX bytes.

Every text is NFC-normalised first: a name typed on a phone may arrive decomposed (a
letter, then its combining marks), which Word shows with misplaced or doubled accents
in Times New Roman; NFC is how Vietnamese is typeset. docxtpl escapes the values for XML
(autoescape), so a "<" or "&" in a deed cannot break the document."""

import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from storage.shared.package_data import package_folder

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
KINDS = ("decision", "minutes", "proposal", "report")


@dataclass(frozen=True)
class Picture:
    """A PNG to place in the document, this wide (millimetres)."""

    png: bytes
    width_mm: int = 150


def shipped_templates() -> Path:
    """templates/documents/ of the installed package: the ward edits these files."""
    return package_folder("templates", "documents")


def normalised(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [normalised(item) for item in value]
    return value


def render(folder: Path, kind: str, context: dict[str, Any]) -> bytes:
    """`folder` holds `<kind>.docx` (a ward's own copy, or the shipped one)."""
    # Imported here: only a download or the report needs it.
    from docx.shared import Mm
    from docxtpl import DocxTemplate, InlineImage

    template = DocxTemplate(str(folder / f"{kind}.docx"))
    filled = {key: (InlineImage(template, io.BytesIO(value.png), width=Mm(value.width_mm))
                    if isinstance(value, Picture) else normalised(value))
              for key, value in context.items()}
    template.render(filled, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()

"""The shipped templates are what scripts/make_document_templates.py builds: a change to
the layout goes through the script, so the .docx files and their recipe never drift."""

import importlib.util
import zipfile

from handlers.documents.render import KINDS, shipped_templates
from tests.conftest import ROOT


def test_the_script_rebuilds_the_committed_templates(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location(
        "make_document_templates", ROOT / "scripts" / "make_document_templates.py")
    assert spec is not None and spec.loader is not None
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "OUT", tmp_path)
    script.main()
    for kind in KINDS:
        with zipfile.ZipFile(tmp_path / f"{kind}.docx") as built, \
                zipfile.ZipFile(shipped_templates() / f"{kind}.docx") as shipped:
            assert built.read("word/document.xml") == shipped.read("word/document.xml"), kind

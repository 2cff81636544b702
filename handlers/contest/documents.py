"""An article's text out of the file the author sent: a Word document (DOCX) or a PDF."""

import io
import zipfile

MAX_FILE_BYTES = 10 * 1024 * 1024
KINDS = ("docx", "pdf")


class DocumentRejected(Exception):
    """reason: unsupported, unreadable, empty, too_large."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def kind_of(file_name: str | None, mime: str | None, head: bytes) -> str:
    """docx or pdf by the bytes themselves (a name or type may lie); unsupported otherwise."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK") and ((file_name or "").lower().endswith(".docx") or
                                   "wordprocessingml" in (mime or "")):
        return "docx"
    raise DocumentRejected("unsupported")


def read_text(data: bytes, *, file_name: str | None = None, mime: str | None = None
              ) -> tuple[str, str]:
    """(kind, text) of the document; paragraphs separated by blank lines."""
    if len(data) > MAX_FILE_BYTES:
        raise DocumentRejected("too_large")
    kind = kind_of(file_name, mime, data[:8])
    try:
        text = _docx(data) if kind == "docx" else _pdf(data)
    except DocumentRejected:
        raise
    except Exception as exc:  # a damaged file raises whatever its parser meets
        raise DocumentRejected("unreadable") from exc
    if not text.strip():
        raise DocumentRejected("empty")
    return kind, text.strip()


def _docx(data: bytes) -> str:
    import docx  # only when a document comes: the library is not small

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise DocumentRejected("unreadable")
    document = docx.Document(io.BytesIO(data))
    paragraphs = [paragraph.text.strip() for paragraph in document.paragraphs]
    for table in document.tables:  # a title block laid out in a table still counts
        for row in table.rows:
            paragraphs.extend(cell.text.strip() for cell in row.cells)
    return "\n\n".join(paragraph for paragraph in paragraphs if paragraph)


def _pdf(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n\n".join((page.extract_text() or "").strip() for page in reader.pages)

"""Uploaded proof documents (registration attachments, warehouse filing documents): a PDF, PNG or JPEG is checked
by its structure, not only its first bytes, and a file that is also something else (a polyglot: HTML or script
inside, an archive appended, data after the image's end, active PDF content) is refused with a clear message.

- PNG / JPEG: Pillow reads the header and ``verify()`` walks the chunks / segments (CRCs for PNG); the format
  must match the extension, and nothing may follow the end marker (IEND, EOI) but padding zeros.
- PDF: ``%PDF-`` at the start and ``%%EOF`` at the end, pypdf parses the cross-reference table and finds at least
  one page, and the catalogue holds no JavaScript, launch action or embedded file.
- Any type: no HTML or script markup and no ZIP structure anywhere in the bytes.

``check_document`` runs every check on an upload (extension, size, leading bytes, structure) and raises Django's
ValidationError: the registration, filing and declaration documents (portal forms and API) share it.
"""

import io
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

# Markers of another format inside the file (case-insensitive for markup).
_MARKUP = re.compile(rb"<\s*(script|html|body|iframe|svg|object|embed)\b|<!doctype\s+html|javascript:", re.I)
_ZIP = re.compile(rb"PK\x03\x04|PK\x05\x06|PK\x01\x02")
# Active PDF content, as raw names (objects outside compressed object streams) and in the catalogue (pypdf).
_PDF_ACTIVE = re.compile(
    rb"/(JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA|OpenAction\s*<<[^>]*/S\s*/JavaScript)\b"
)
_PNG_END = b"IEND\xaeB`\x82"
_JPEG_END = b"\xff\xd9"


class DocumentRefused(ValueError):
    """The message says what is wrong, in the active language."""


def document_check(data: bytes, *, extension: str, name: str) -> None:
    """Raise DocumentRefused unless ``data`` is a well-formed, single-format file of ``extension``."""
    extension = extension.lower()
    if extension == "pdf":
        _check_pdf(data, name)
    elif extension in ("png", "jpg", "jpeg"):
        _check_image(data, "PNG" if extension == "png" else "JPEG", name)
    else:
        raise DocumentRefused(_("Only PDF, JPEG or PNG files are accepted, not “%(name)s”.") % {"name": name})
    if _MARKUP.search(data) or _ZIP.search(data):
        raise DocumentRefused(_polyglot(name))


def _not_valid(name: str, kind: str) -> str:
    return _("“%(name)s” is not a valid %(type)s file: it cannot be read as one.") % {
        "name": name,
        "type": kind,
    }


def _polyglot(name: str) -> str:
    return _(
        "“%(name)s” also contains content of another kind (web page, script, archive or data after its end) and "
        "is refused. Save or scan the document again as a plain PDF, JPEG or PNG."
    ) % {"name": name}


def _check_image(data: bytes, kind: str, name: str) -> None:
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as image:
            found = image.format
            image.verify()
    except Exception as exc:  # Pillow raises many kinds (SyntaxError, OSError, struct.error...) for bad data
        raise DocumentRefused(_not_valid(name, kind)) from exc
    if found != kind:
        raise DocumentRefused(_not_valid(name, kind))
    end = _PNG_END if kind == "PNG" else _JPEG_END
    if not data.rstrip(b"\x00").endswith(end):
        raise DocumentRefused(_polyglot(name))


def _check_pdf(data: bytes, name: str) -> None:
    if not data.startswith(b"%PDF-"):
        raise DocumentRefused(_not_valid(name, "PDF"))
    if not data.rstrip().endswith(b"%%EOF"):
        # An end marker followed by more data is something appended to a PDF; none at all, a broken file.
        raise DocumentRefused(_polyglot(name) if b"%%EOF" in data else _not_valid(name, "PDF"))
    from pypdf import PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        pages = len(reader.pages)
        root = reader.trailer["/Root"].get_object()
        names = root.get("/Names")
        names = names.get_object() if names is not None else {}
        active = any(key in root for key in ("/OpenAction", "/AA")) and _opens_script(root)
        active = active or any(key in names for key in ("/JavaScript", "/EmbeddedFiles"))
    except Exception as exc:  # pypdf raises PdfReadError, KeyError, ValueError... for a broken file
        raise DocumentRefused(_not_valid(name, "PDF")) from exc
    if pages < 1:
        raise DocumentRefused(_not_valid(name, "PDF"))
    if active or _PDF_ACTIVE.search(data):
        raise DocumentRefused(
            _(
                "“%(name)s” contains active content (JavaScript, a launch action or embedded files) and is "
                "refused. Print it to a plain PDF and upload that."
            )
            % {"name": name}
        )


def _opens_script(root) -> bool:
    for key in ("/OpenAction", "/AA"):
        action = root.get(key)
        if action is None:
            continue
        action = action.get_object()
        text = repr(action)
        if "/JavaScript" in text or "/Launch" in text or "/JS" in text:
            return True
    return False


MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# Leading bytes per allowed extension: the extension alone proves nothing about the content.
_MAGIC = {
    "pdf": (b"%PDF",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "png": (b"\x89PNG\r\n\x1a\n",),
}


def check_document(upload) -> None:
    """Allowed type (extension and content) and size of an uploaded proof document."""
    if upload is None:
        return
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    if extension not in _MAGIC:
        raise ValidationError(
            gettext_lazy("Only PDF, JPEG or PNG files are accepted, not “%(name)s”."),
            params={"name": upload.name},
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise ValidationError(
            gettext_lazy("The file is %(size)d MB; at most %(limit)d MB are accepted."),
            params={"size": upload.size // (1024 * 1024), "limit": MAX_UPLOAD_BYTES // (1024 * 1024)},
        )
    head = upload.read(16)
    upload.seek(0)
    if not head.startswith(_MAGIC[extension]):
        raise ValidationError(
            gettext_lazy("The content of “%(name)s” is not a %(type)s file."),
            params={"name": upload.name, "type": extension.upper()},
        )
    # Then its structure, and nothing of another format inside (document_check).
    data = upload.read()
    upload.seek(0)
    try:
        document_check(data, extension=extension, name=upload.name)
    except DocumentRefused as exc:
        raise ValidationError(str(exc), code="document_refused") from exc

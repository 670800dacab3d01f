"""XSD validation of CEB messages against our own schema and, where available, the official 202205 one.

Validation never raises on bad input: every finding, including "not XML at all" and "has a DOCTYPE", is a
``SchemaProblem``. Messages from libxml2 are passed on in plain English (only namespace URIs are shortened to
their prefixes); the messages we write ourselves are translated.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.utils.translation import gettext as _
from lxml import etree

CEB_NS = "http://www.chinaport.gov.cn/ceb"
DS_NS = "http://www.w3.org/2000/09/xmldsig#"
_PREFIXES = {CEB_NS: "ceb", DS_NS: "ds"}

OUR_XSD_PATH = Path(__file__).resolve().parent / "xsd" / "ceb_export.xsd"
_PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_OFFICIAL_XSD_PATH = (
    _PROJECT_DIR.parent / "shared" / "spec" / "official" / "xsd" / "ceb-export-202205.xsd"
)
OFFICIAL_XSD_ENV = "CEB_OFFICIAL_XSD"


@dataclass(frozen=True)
class SchemaProblem:
    line: int
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path} " if self.path else ""
        return f"line {self.line}: {where}{self.message}"


class SchemaInvalid(Exception):
    """Raised by ``assert_valid_ours``; ``problems`` holds every finding."""

    def __init__(self, problems: list[SchemaProblem]):
        self.problems = list(problems)
        summary = "; ".join(str(problem) for problem in self.problems[:3])
        more = len(self.problems) - 3
        super().__init__(summary + (f" (+{more} more)" if more > 0 else ""))


class OfficialSchemaUnavailable(FileNotFoundError):
    """The official XSD is not on this machine (it lives outside the project, in ../shared)."""


def official_xsd_path() -> Path | None:
    """The official export XSD: ``$CEB_OFFICIAL_XSD`` if set, else ../shared next to the project; None if absent."""
    configured = os.environ.get(OFFICIAL_XSD_ENV)
    path = Path(configured) if configured else DEFAULT_OFFICIAL_XSD_PATH
    return path if path.is_file() else None


def validate_ours(xml: bytes) -> list[SchemaProblem]:
    """Problems of ``xml`` against our stricter schema; an empty list means valid."""
    return _validate(xml, _our_schema())


def validate_official(xml: bytes) -> list[SchemaProblem]:
    """Problems of ``xml`` against the official XSD; raises OfficialSchemaUnavailable if it is absent."""
    path = official_xsd_path()
    if path is None:
        raise OfficialSchemaUnavailable(
            f"official XSD not found (set {OFFICIAL_XSD_ENV} or provide {DEFAULT_OFFICIAL_XSD_PATH})"
        )
    return _validate(xml, _official_schema(str(path)))


def assert_valid_ours(xml: bytes) -> None:
    problems = validate_ours(xml)
    if problems:
        raise SchemaInvalid(problems)


# --- compiled schemas -------------------------------------------------------------------------------------------


class _Schema:
    """A compiled XMLSchema plus the lock that serialises its use: lxml keeps the error log on the instance."""

    def __init__(self, path: Path):
        self.schema = etree.XMLSchema(etree.parse(str(path), _hardened_parser()))
        self.lock = threading.Lock()


@lru_cache(maxsize=1)
def _our_schema() -> _Schema:
    return _Schema(OUR_XSD_PATH)


def our_schema_compiled() -> None:
    """Compile our schema now (worker processes forked afterwards inherit it instead of compiling their own)."""
    _our_schema()


@lru_cache(maxsize=4)
def _official_schema(path: str) -> _Schema:
    return _Schema(Path(path))


# --- parsing and validation -------------------------------------------------------------------------------------


def _hardened_parser() -> etree.XMLParser:
    # A fresh parser per call: lxml parsers must not be shared between threads.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=False,
    )


_DOCTYPE_IN_PROLOG = re.compile(rb"\A(?:\xef\xbb\xbf)?(?:<\?.*?\?>|<!--.*?-->|\s)*<!DOCTYPE", re.DOTALL)
_POSITION_SUFFIX = re.compile(r", line \d+, column \d+$")


_PARSERS = threading.local()


def _thread_parser() -> etree.XMLParser:
    # One hardened parser per thread, reused for every message: creating one costs as much as parsing a
    # small message, and a parser may not be shared between threads.
    parser = getattr(_PARSERS, "parser", None)
    if parser is None:
        parser = _PARSERS.parser = _hardened_parser()
    return parser


def _validate(xml: bytes, compiled: _Schema) -> list[SchemaProblem]:
    if not isinstance(xml, bytes | bytearray | memoryview):
        raise TypeError(f"expected the XML as bytes, got {type(xml).__name__}")
    xml = bytes(xml)
    try:
        root = etree.fromstring(xml, _thread_parser())
    except etree.XMLSyntaxError as exc:
        if _DOCTYPE_IN_PROLOG.match(xml):
            return [_doctype_problem(xml)]
        detail = _POSITION_SUFFIX.sub("", exc.msg or "")
        return [SchemaProblem(exc.lineno or 1, "", _("not well-formed XML: %(detail)s") % {"detail": detail})]
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None or tree.docinfo.externalDTD is not None:
        # Entities are never expanded, but a DOCTYPE has no business in a CEB message: refuse the whole document.
        return [_doctype_problem(xml)]
    with compiled.lock:
        compiled.schema.validate(tree)
        errors = list(compiled.schema.error_log)
    return [_problem(error, root) for error in errors]


def _doctype_problem(xml: bytes) -> SchemaProblem:
    position = xml.find(b"<!DOCTYPE")
    line = xml.count(b"\n", 0, position) + 1 if position >= 0 else 1
    return SchemaProblem(line, "", _("DOCTYPE is not allowed"))


# --- readable problems ------------------------------------------------------------------------------------------

_CLARK_NAME = re.compile(r"\{([^}]*)\}")
_VALUE_SET = re.compile(r"\{('[^']*'(?:, '[^']*')*)\}")
_SHOWN_SET_VALUES = 10
_ATTRIBUTE_ERROR = re.compile(r"^Element '[^']*', attribute '([^']+)':")


def _problem(error: etree._LogEntry, root: etree._Element) -> SchemaProblem:
    message = _VALUE_SET.sub(_shorten_set, error.message or "")
    message = _CLARK_NAME.sub(lambda match: _prefix_for(match.group(1)), message)
    path = _readable_path(error.path or "", root)
    attribute = _ATTRIBUTE_ERROR.match(message)
    if attribute and path:
        path = f"{path}/@{attribute.group(1)}"
    return SchemaProblem(error.line or 0, path, message)


def _shorten_set(match: re.Match[str]) -> str:
    # A code table can have hundreds of values; listing them all buries the actual problem.
    values = match.group(1).split(", ")
    if len(values) <= _SHOWN_SET_VALUES:
        return match.group(0)
    return "{" + ", ".join(values[:_SHOWN_SET_VALUES]) + f", … ({len(values)} values)}}"


def _prefix_for(uri: str) -> str:
    prefix = _PREFIXES.get(uri)
    return f"{prefix}:" if prefix else f"{{{uri}}}"


def _readable_path(libxml_path: str, root: etree._Element) -> str:
    """libxml2's node path rewritten with our prefixes, whatever prefixes (or default namespace) the document used.

    libxml2 writes elements of a default namespace as ``*``, which says nothing; so the path is resolved to the
    element and rebuilt. If that fails the raw path is returned.
    """
    if not libxml_path:
        return ""
    namespaces = _document_prefixes(root)
    if namespaces is None:
        return libxml_path
    try:
        found = root.getroottree().xpath(libxml_path, namespaces=namespaces)
    except (etree.XPathError, TypeError, ValueError):
        return libxml_path
    if not (isinstance(found, list) and len(found) == 1 and isinstance(found[0], etree._Element)):
        return libxml_path
    return _element_path(found[0])


def _document_prefixes(root: etree._Element) -> dict[str, str] | None:
    """Prefix → URI over the whole document, or None if a prefix is bound to two URIs (the path is ambiguous)."""
    prefixes: dict[str, str] = {}
    for element in root.iter():
        for prefix, uri in element.nsmap.items():
            if prefix is None:
                continue
            if prefixes.setdefault(prefix, uri) != uri:
                return None
    return prefixes


def _element_path(element: etree._Element) -> str:
    steps = []
    node: etree._Element | None = element
    while node is not None:
        step = _step_name(node)
        parent = node.getparent()
        if parent is not None:
            same = [sibling for sibling in parent if sibling.tag == node.tag]
            if len(same) > 1:
                step += f"[{same.index(node) + 1}]"
        steps.append(step)
        node = parent
    return "/" + "/".join(reversed(steps))


def _step_name(element: etree._Element) -> str:
    qname = etree.QName(element)
    if qname.namespace is None:
        return qname.localname
    prefix = _PREFIXES.get(qname.namespace) or element.prefix
    return f"{prefix}:{qname.localname}" if prefix else f"{{{qname.namespace}}}{qname.localname}"

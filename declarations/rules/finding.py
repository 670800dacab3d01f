"""A finding: one rule that fired, on one field of the head or of a goods line.

``field`` is the CEB element name ("grossWeight", "gcode"), or for data without a CEB element the model
field name ("channel", "warehouse", "licence", "inspection", "tax") or "lines" for the goods lines as a
whole, so web forms, the API and the spreadsheet report point to the same thing. ``params`` holds JSON-safe
values only; ``message`` renders in the active language when read, so stored findings follow the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext_lazy as _

from declarations.models import CEB_HEAD_FIELDS, CEB_LINE_FIELDS, Declaration, DeclarationLine

from .catalogue import CATALOGUE, ERROR, SEVERITIES, WARNING

# Finding field -> model attribute: the CEB element names, plus the fields without a CEB element of their own.
HEAD_FINDING_FIELDS: dict[str, str] = {
    **CEB_HEAD_FIELDS,
    "ebcCode": "enterprise",
    "agentCode": "agent",
    "tradeMode": "mode",
    "channel": "channel",
    "warehouse": "warehouse",
}
LINE_FINDING_FIELDS: dict[str, str] = {
    **CEB_LINE_FIELDS,
    "licence": "licence",
    "inspection": "inspection",
    "tax": "tax",
}
_LABELS = {
    "lines": _("goods lines"),
    "orderType": _("order type"),
    "goodsValue": _("goods value"),
}


def field_label(name: str, *, line: bool) -> str:
    """The human name of a finding's field in the active language (the model's verbose name)."""
    if line and name in LINE_FINDING_FIELDS:
        return str(DeclarationLine._meta.get_field(LINE_FINDING_FIELDS[name]).verbose_name)
    if name in HEAD_FINDING_FIELDS:
        return str(Declaration._meta.get_field(HEAD_FINDING_FIELDS[name]).verbose_name)
    if name in LINE_FINDING_FIELDS:
        return str(DeclarationLine._meta.get_field(LINE_FINDING_FIELDS[name]).verbose_name)
    if name in _LABELS:
        return str(_LABELS[name])
    return name


def _json_safe(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, Decimal):
        return format(value, "f") if value.is_finite() else str(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class MessageParams(dict):
    """Formatting mapping: a parameter missing from an old stored finding renders as '?', not an error."""

    def __missing__(self, key):
        return "?"


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    field: str
    gnum: int | None = None
    params: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"severity must be one of {SEVERITIES}, not {self.severity!r}")
        object.__setattr__(self, "params", {str(k): _json_safe(v) for k, v in self.params.items()})

    def __hash__(self) -> int:
        return hash((self.code, self.severity, self.field, self.gnum, tuple(sorted(self.params.items()))))

    @classmethod
    def of(cls, code: str, field: str, gnum: int | None = None, /, **params) -> Finding:
        """A finding with the catalogue's severity for ``code``."""
        return cls(code, CATALOGUE[code].severity, field, gnum, params)

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def is_warning(self) -> bool:
        return self.severity == WARNING

    @property
    def message(self) -> str:
        rule = CATALOGUE.get(self.code)
        if rule is None:  # a code retired after this finding was stored
            return self.code
        params = MessageParams(self.params)
        params.setdefault("label", field_label(self.field, line=self.gnum is not None))
        params.setdefault("gnum", self.gnum if self.gnum is not None else "?")
        return str(rule.message) % params

    def as_dict(self) -> dict:
        return {
            "code": self.code,
            "severity": self.severity,
            "field": self.field,
            "gnum": self.gnum,
            "params": self.params,
        }

    @classmethod
    def from_dict(cls, data: dict) -> Finding:
        code = data["code"]
        severity = data.get("severity") or (CATALOGUE[code].severity if code in CATALOGUE else ERROR)
        return cls(code, severity, data.get("field", ""), data.get("gnum"), dict(data.get("params") or {}))

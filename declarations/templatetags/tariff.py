"""``{% line_tariff form_or_line as facts %}``: what the tariff says about a goods line (rules/tariff.py),
for the form's line and the detail page. One tariff reader per request, so each code is read once."""

from types import SimpleNamespace

from django import template

from declarations.rules.tariff import FLAGS, line_tariff
from declarations.selectors_rule_context import tariff_reader

register = template.Library()


def _value(form, name):
    if form.is_bound:
        value = form[name].value()
    else:
        value = form.initial.get(name, form.fields[name].initial)
    return value


@register.simple_tag(takes_context=True)
def line_tariff_facts(context, line):
    """``line``: a bound or unbound line form, or a DeclarationLine."""
    request = context.get("request")
    reader = context.get("tariff_for") or (
        getattr(request, "_tariff_for", None) if request is not None else None
    )
    if reader is None:
        # The page's lines' codes in one query (the form's rows, or the detail page's lines).
        rows = context.get("rows") or []
        codes = [
            str(_value(row["form"], "gcode") or "") for row in rows if isinstance(row, dict) and "form" in row
        ]
        codes += [getattr(line, "gcode", "") for line in context.get("lines") or []]
        reader = tariff_reader(prefetch=codes)
        if request is not None:
            request._tariff_for = reader
    if hasattr(line, "fields") and hasattr(line, "initial"):
        plain = SimpleNamespace(
            gcode=str(_value(line, "gcode") or ""), **{flag: bool(_value(line, flag)) for flag in FLAGS}
        )
    else:
        plain = line
    ctx = SimpleNamespace(tariff_for=reader)
    facts = line_tariff(plain, ctx)
    code = facts.code
    return {
        "code": code,
        "known": facts.known,
        "facts": facts.facts,
        "six_digit": len(code) == 6 and code.isdigit(),
        "empty": not code,
        "derived": [r for r in facts.reasons if r.kind != "tick"],
        "ticks": [r for r in facts.reasons if r.kind == "tick"],
        "licence": facts.licence,
        "inspection": facts.inspection,
        "tax": facts.tax,
    }

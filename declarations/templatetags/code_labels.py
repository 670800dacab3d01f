"""Template filters that put names beside codes (``declarations.code_labels``, cached per process).

{% load code_labels %}
{{ declaration.country|code_label:"country" }}      502 美国 / 502 United States
{{ line.qty|quantity:line.unit }}                   100 个
{{ line.total_price|amount:line.currency }}         250.00 USD
"""

from django import template

from declarations import code_labels

register = template.Library()


@register.filter
def code_label(value, table: str) -> str:
    return code_labels.code_label(table, value)


@register.filter
def receipt_status(value) -> str:
    return code_labels.receipt_status_label(value)


@register.filter
def receipt_info(info, status) -> str:
    """Customs' returnInfo, or "" where it only repeats the status name just shown (放行 beside 800 放行)."""
    return "" if (info or "").strip() == code_labels.receipt_status_name(status) else info


@register.filter
def code_name(value, table: str) -> str:
    return code_labels.code_name(table, value)


@register.filter
def quantity(value, unit) -> str:
    return code_labels.quantity_text(value, unit)


@register.filter
def amount(value, currency) -> str:
    return code_labels.amount_text(value, currency)


@register.filter
def plain_number(value) -> str:
    return code_labels.format_number(value)


@register.filter
def money(value) -> str:
    """An amount with at least two decimals (250 -> "250.00"), without the stored padding zeros."""
    return code_labels.format_number(value, min_places=2)

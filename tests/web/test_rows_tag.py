"""``{% rows %}`` (declarations/templatetags/table_rows.py): each row's cells are escaped exactly as ``{{ }}``
escapes them, and a body that is not plain markup with plain ``{key}`` holes is refused when the template is
compiled."""

from decimal import Decimal

import pytest
from django.template import Context, Template, TemplateSyntaxError
from django.utils.safestring import mark_safe

from declarations.views.declarations import _goods_rows
from tests import factories as f

HOSTILE = ['<script>alert("x")</script>', "a & b", "it's", '" onmouseover="x', "甲乙 <b>", "plain"]


def _rows(body: str, items, empty: str = "") -> str:
    return Template("{% load table_rows %}{% rows items %}" + body + empty + "{% endrows %}").render(
        Context({"items": items})
    )


def _for(body: str, items) -> str:
    return Template("{% for d in items %}" + body + "{% endfor %}").render(Context({"items": items}))


def test_cells_are_escaped_as_the_template_engine_escapes_them():
    items = [{"url": f"/d/{n}/?a=1&b={value}", "name": value, "n": n} for n, value in enumerate(HOSTILE)]
    items.append({"url": mark_safe("/safe/?a=1&amp;b=2"), "name": mark_safe("<em>kept</em>"), "n": 7})
    out = _rows('<tr><td><a href="{url}">{name}</a></td><td>{n}</td></tr>', items)
    assert out == _for('<tr><td><a href="{{ d.url }}">{{ d.name }}</a></td><td>{{ d.n }}</td></tr>', items)
    assert "<script>" not in out and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in out
    assert "<em>kept</em>" in out  # marked safe by the view: kept, as {{ }} keeps it


def test_a_key_repeated_and_none_rendered_empty():
    assert _rows("[{a}|{b}|{a}]", [{"a": "x<", "b": None}, {"a": 1, "b": "y"}]) == "[x&lt;||x&lt;][1|y|1]"


def test_empty_clause_and_no_items():
    assert _rows("<tr>{a}</tr>", [], "{% empty %}<tr><td>{{ none_label }}</td></tr>") == "<tr><td></td></tr>"
    assert _rows("<tr>{a}</tr>", [], "{% empty %}<tr><td>nothing</td></tr>") == "<tr><td>nothing</td></tr>"
    assert _rows("<tr>{a}</tr>", []) == ""
    assert _rows("<tr>{a}</tr>", None) == ""


def test_a_missing_key_is_an_error_not_a_blank_cell():
    with pytest.raises(KeyError):
        _rows("<td>{a}{b}</td>", [{"a": "x"}])


@pytest.mark.parametrize(
    "source",
    [
        "{% rows %}<td>{a}</td>{% endrows %}",
        "{% rows items extra %}<td>{a}</td>{% endrows %}",
        "{% rows items %}<td>{{ a }}</td>{% endrows %}",
        "{% rows items %}{% if a %}<td>{a}</td>{% endif %}{% endrows %}",
        "{% rows items %}<td>{a.b}</td>{% endrows %}",
        "{% rows items %}<td>{a[0]}</td>{% endrows %}",
        "{% rows items %}<td>{a!r}</td>{% endrows %}",
        "{% rows items %}<td>{a:>9}</td>{% endrows %}",
        "{% rows items %}<td>{}</td>{% endrows %}",
        "{% rows items %}<td>{0}</td>{% endrows %}",
        "{% rows items %}<td>{a</td>{% endrows %}",
        "{% rows items %}<td>a}</td>{% endrows %}",
        "{% rows items %}<td>{a}</td>",
    ],
)
def test_a_body_other_than_markup_with_plain_holes_is_refused_at_compile_time(source):
    with pytest.raises(TemplateSyntaxError):
        Template("{% load table_rows %}" + source)


class _Line:
    def __init__(self, gnum, qty, price, total_price):
        self.gnum, self.qty, self.price, self.total_price = gnum, qty, price, total_price
        self.item_no, self.gcode, self.gname, self.unit, self.currency = (
            "I<1>",
            "8517620000",
            "手机 & 壳",
            "011",
            "142",
        )


@pytest.mark.django_db
def test_the_goods_rows_show_quantities_with_unit_names_and_amounts_with_currency():
    f.UnitFactory(code="011", name_zh="件", name_en="piece")
    f.CurrencyFactory(code="142", name_zh="人民币", iso_code="CNY")
    lines = [
        _Line(1, Decimal("10.00000"), Decimal("1.50"), Decimal("15.00")),
        _Line(2, Decimal("0.001"), Decimal("1E+3"), None),
        _Line(100, None, Decimal("12345678.9"), Decimal("0")),
    ]
    after = (
        "{% load table_rows %}{% rows lines %}<tr><td>{gnum}</td><td>{item_no}</td><td>{gcode}</td><td>{gname}</td>"
        "<td>{qty}</td><td>{price}</td><td>{total_price}</td></tr>{% endrows %}"
    )
    html = Template(after).render(Context({"lines": _goods_rows(lines)}))
    # "10 件", never "10 011" (read as ten thousand and eleven); amounts with two decimals and the ISO letters.
    assert "<td>10 件</td><td>1.50 CNY</td><td>15.00 CNY</td>" in html
    assert "<td>0.001 件</td><td>1000.00 CNY</td><td></td>" in html
    assert "<td></td><td>12345678.90 CNY</td><td>0.00 CNY</td>" in html
    assert "I&lt;1&gt;" in html and "手机 &amp; 壳" in html

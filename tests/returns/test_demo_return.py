"""load_demo shows one return: exporter A's released 9710 declaration with R1 (20 vacuum flasks, unsold)."""

from decimal import Decimal

import pytest
from django.core.management import call_command

from declarations.models import DeclarationReturn

pytestmark = pytest.mark.django_db


def test_demo_has_one_return_of_a_released_declaration():
    call_command("load_demo")
    call_command("load_demo")  # idempotent
    goods_return = DeclarationReturn.objects.get()
    assert goods_return.declaration.status == "released"
    assert goods_return.declaration.enterprise.customs_code == "4401960ABC"
    assert [(row.line.gnum, row.qty) for row in goods_return.lines.all()] == [(1, Decimal("20"))]
    assert goods_return.tax_free is True
    assert goods_return.event.note.startswith(("Return R1", "已发起第 R1"))

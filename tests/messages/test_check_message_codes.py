"""check_message applies the code tables as customs does and refuses dates that do not exist (issue 20 part 4)."""

import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from declarations.messages.ceb603 import render_inventory
from declarations.services.codes import code_tables_load
from tests import factories as f

pytestmark = pytest.mark.django_db
HEAD = "/ceb:CEB603Message/ceb:Inventory[1]/ceb:InventoryHead"


@pytest.fixture(autouse=True)
def codes():
    code_tables_load()


def _run(path: Path) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_message", str(path), stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


def _inventory(tmp_path, *replacements: tuple[str, str, str]) -> Path:
    """The rendered CEB603 of a valid declaration, with (element, scope, new text) replacements: scope
    "head" changes the element in InventoryHead, "line" the first one in InventoryList."""
    line = f.DeclarationLineFactory()
    content = render_inventory(line.declaration, [line]).content.decode()
    for element, scope, text in replacements:
        head_end = content.index("</ceb:InventoryHead>")
        pattern = re.compile(rf"<ceb:{element}>[^<]*</ceb:{element}>")
        start = 0 if scope == "head" else head_end
        match = pattern.search(content, start)
        assert match and (scope != "head" or match.start() < head_end), element
        content = content[: match.start()] + f"<ceb:{element}>{text}</ceb:{element}>" + content[match.end() :]
    path = tmp_path / "ceb603.xml"
    path.write_text(content, encoding="utf-8")
    return path


def test_month_13_is_refused_with_its_element(tmp_path):
    code, out = _run(_inventory(tmp_path, ("ieDate", "head", "20261305")))
    assert code == 1
    assert f"{HEAD}/ceb:ieDate: INVALID_CALENDAR_DATE" in out
    assert "XSD" not in out  # the right length: only the calendar test catches it


def test_a_real_date_passes(tmp_path):
    code, out = _run(_inventory(tmp_path, ("ieDate", "head", "20240229")))
    assert code == 0, out


def test_an_impossible_time_is_refused(tmp_path):
    code, out = _run(_inventory(tmp_path, ("appTime", "head", "20261231250000")))
    assert code == 1
    assert f"{HEAD}/ceb:appTime: INVALID_CALENDAR_DATE" in out


def test_destination_china_is_refused_but_a_line_country_142_is_fine(tmp_path):
    code, out = _run(_inventory(tmp_path, ("country", "head", "142")))
    assert code == 1
    assert f"{HEAD}/ceb:country: COUNTRY_NOT_DESTINATION" in out

    code, out = _run(_inventory(tmp_path, ("country", "line", "142")))
    assert code == 0, out


@pytest.mark.parametrize("country", ["701", "702", "999"])
def test_destination_must_be_a_real_place(tmp_path, country):
    code, out = _run(_inventory(tmp_path, ("country", "head", country)))
    assert code == 1
    assert f"{HEAD}/ceb:country: COUNTRY_NOT_DESTINATION" in out


def test_an_obsolete_currency_is_refused_and_an_active_one_is_fine(tmp_path):
    code, out = _run(_inventory(tmp_path, ("currency", "line", "304")))
    assert code == 1
    assert "ceb:InventoryList[1]/ceb:currency: CURRENCY_INACTIVE" in out

    code, out = _run(_inventory(tmp_path, ("currency", "line", "142")))
    assert code == 0, out


@pytest.mark.parametrize("office", ["0000", "5300"])
def test_exit_port_must_be_a_declarable_office(tmp_path, office):
    code, out = _run(_inventory(tmp_path, ("portCode", "head", office)))
    assert code == 1
    assert f"{HEAD}/ceb:portCode: CUSTOMS_OFFICE_NOT_DECLARABLE" in out

    code, out = _run(_inventory(tmp_path, ("portCode", "head", "5301")))
    assert "CUSTOMS_OFFICE_NOT_DECLARABLE" not in out

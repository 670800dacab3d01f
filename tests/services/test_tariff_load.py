"""The tariff loader: bad rows refused with reasons, re-load idempotent, codes that disappear become inactive."""

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from declarations.models import SupervisionCondition, Tariff
from declarations.services.codes import code_tables_load
from declarations.services.tariff import (
    SAMPLE_TARIFF,
    TARIFF_COLUMNS,
    TariffFileError,
    tariff_load,
    tariff_load_sample,
)

pytestmark = pytest.mark.django_db

HEADER = ",".join(TARIFF_COLUMNS)
EARPHONES = "8518300000,耳机及耳塞机,Headphones and earphones,007,035,,,0,13,1:品牌类型;2:出口享惠情况;3:用途"
LIGHTER = "9613100000,一次性袖珍气体打火机,Pocket lighters,007,035,AB,M/N,0,13,1:品牌类型;2:出口享惠情况"
LED = "8539520000,发光二极管(LED)灯泡(管),LED lamps,007,,,,0,13,1:品牌类型;2:出口享惠情况;3:用途;4:功率"


@pytest.fixture(autouse=True)
def codes():
    code_tables_load()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def csv_file(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def snapshot():
    return list(Tariff.objects.order_by("code").values())


def test_loads_a_csv_with_every_column():
    result = tariff_load(content=csv_file(EARPHONES, LIGHTER), file_name="tariff-2026.csv")
    assert (result.created, result.updated, result.unchanged, result.refused) == (2, 0, 0, [])
    lighter = Tariff.objects.get(code="9613100000")
    assert (lighter.name_en, lighter.unit1, lighter.unit2, lighter.supervision, lighter.inspection) == (
        "Pocket lighters",
        "007",
        "035",
        "AB",
        "MN",
    )
    assert (str(lighter.export_duty_rate), str(lighter.refund_rate)) == ("0.000", "13.000")
    assert lighter.elements == "1:品牌类型;2:出口享惠情况"
    assert (lighter.active, lighter.sample, lighter.source) == (True, False, "tariff-2026.csv")
    assert SupervisionCondition.objects.get(code="4").export_licence is True


def test_reload_is_idempotent():
    tariff_load(content=csv_file(EARPHONES, LIGHTER), file_name="t.csv")
    before = snapshot()
    result = tariff_load(content=csv_file(EARPHONES, LIGHTER), file_name="t.csv")
    assert (result.created, result.updated, result.unchanged, result.deactivated) == (0, 0, 2, 0)
    assert snapshot() == before


def test_bad_rows_are_refused_with_reasons_and_the_good_ones_load():
    rows = [
        EARPHONES,
        "85183000,耳机,,007,,,,0,13,",  # 8 digits
        "9613100000,,,999,,Z,K,abc,130,1:品牌;3:型号",  # everything wrong
        "8518300000,耳机重复,,007,035,,,0,13,",  # repeats row 2
        "0201100000,牛肉,,,,,,,,",  # no unit1
    ]
    result = tariff_load(content=csv_file(*rows), file_name="t.csv")
    assert list(Tariff.objects.values_list("code", flat=True)) == ["8518300000"]
    assert Tariff.objects.get().name_zh == "耳机及耳塞机"
    refused = {r.row: (r.code, r.reasons) for r in result.refused}
    assert refused[3] == ("85183000", ("code “85183000” is not 10 digits",))
    assert refused[4] == (
        "9613100000",
        (
            "name_zh is empty",
            "unit1 “999” is not a unit code",
            "supervision: unknown condition codes Z",
            "inspection: unknown category codes K",
            "export_duty_rate “abc” is not a number",
            "refund_rate 130 is not a percentage between 0 and 100",
            "elements: element “3:型号” is out of order: number 2 was expected",
        ),
    )
    assert refused[5] == ("8518300000", ("code 8518300000 repeats row 2",))
    assert refused[6] == ("0201100000", ("unit1 is empty",))


def test_refusals_are_in_the_users_language():
    with translation.override("zh-hans"):
        result = tariff_load(content=csv_file("0201100000,牛肉,,,,,,,,"), file_name="t.csv")
    assert result.refused[0].reasons == ("unit1（第一法定单位）为空",)


def test_codes_that_disappear_become_inactive_and_come_back():
    tariff_load(content=csv_file(EARPHONES, LIGHTER, LED), file_name="2025.csv")
    result = tariff_load(content=csv_file(EARPHONES, LED), file_name="2026.csv")
    assert result.deactivated == 1
    lighter = Tariff.objects.get(code="9613100000")
    assert (lighter.active, lighter.name_zh, lighter.source) == (False, "一次性袖珍气体打火机", "2025.csv")
    assert Tariff.objects.filter(active=True).count() == 2
    result = tariff_load(content=csv_file(EARPHONES, LIGHTER, LED), file_name="2027.csv")
    assert Tariff.objects.get(code="9613100000").active is True
    assert result.deactivated == 0


def test_a_refused_row_keeps_its_stored_code_active_and_unchanged():
    tariff_load(content=csv_file(EARPHONES, LIGHTER), file_name="t.csv")
    before = snapshot()
    bad_lighter = "9613100000,一次性袖珍气体打火机,,XYZ,,,,,,"
    result = tariff_load(content=csv_file(EARPHONES, bad_lighter), file_name="t.csv")
    assert result.deactivated == 0 and len(result.refused) == 1
    assert snapshot() == before


@pytest.mark.parametrize(
    "content",
    [
        b"code,name_zh,unit1\n8518300000,x,007\n",
        b"code,name_zh,name_en,unit1,unit2,supervision,inspection,export_duty_rate,refund_rate,elements,extra\n",
        b"",
        "\ufffe".encode("utf-16") + b"\xff\xfe",
    ],
)
def test_a_file_with_other_columns_is_refused_whole_and_nothing_changes(content):
    tariff_load(content=csv_file(EARPHONES), file_name="t.csv")
    before = snapshot()
    with pytest.raises(TariffFileError):
        tariff_load(content=content, file_name="t.csv")
    assert snapshot() == before


def test_loads_xlsx_with_the_same_columns():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(TARIFF_COLUMNS))
    sheet.append(
        ["8539520000", "发光二极管(LED)灯泡(管)", "LED lamps", "007", None, None, None, 0, 13, "1:品牌类型"]
    )
    sheet.append([8518300000, "耳机", None, "007", "035", None, None, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = tariff_load(content=buffer.getvalue(), file_name="tariff.xlsx")
    assert (result.created, result.refused) == (2, [])
    assert Tariff.objects.get(code="8518300000").export_duty_rate is None


def test_a_broken_workbook_is_a_file_error():
    with pytest.raises(TariffFileError):
        tariff_load(content=b"PK\x03\x04 not a zip", file_name="t.xlsx")


def test_the_sample_is_labelled_and_valid():
    assert "SAMPLE" in SAMPLE_TARIFF.read_text(encoding="utf-8").splitlines()[0]
    result = tariff_load_sample()
    assert result.refused == [] and result.sample is True and result.created >= 10
    assert set(Tariff.objects.values_list("sample", flat=True)) == {True}
    assert {"8518300000", "3926909090", "8539520000", "9617001100"} <= set(
        Tariff.objects.values_list("code", flat=True)
    )


def test_the_sample_never_replaces_an_official_tariff():
    tariff_load(content=csv_file(EARPHONES, LIGHTER), file_name="official.csv")
    result = tariff_load_sample()
    assert result.created == 0
    assert Tariff.objects.filter(active=True).count() == 2


def test_command_reports_refused_rows(tmp_path, capsys):
    path = tmp_path / "t.csv"
    path.write_bytes(csv_file(EARPHONES, "85183000,耳机,,007,,,,0,13,"))
    call_command("load_tariff", str(path))
    out, err = capsys.readouterr()
    assert "row 3 (85183000) refused: code “85183000” is not 10 digits" in err
    assert "1 created" in out and "1 rows refused" in out
    path.write_bytes(b"a,b\n")
    with pytest.raises(CommandError, match="columns must be exactly"):
        call_command("load_tariff", str(path))

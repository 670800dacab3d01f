"""Hostile inputs: each refused with a clear error naming what is wrong, and nothing partially stored.

Already covered elsewhere and not repeated here: XXE, billion laughs, external DTDs and UTF-16 tricks in receipts
(tests/messages/test_receipts_parse.py, test_schema.py, tests/services/test_receipts_apply.py); a general external
entity in check_message (tests/messages/test_check_message.py); zip bombs, oversize, truncated and not-a-workbook
uploads, 10 MB cells and too many rows (tests/spreadsheets/test_limits.py); formula cells
(tests/spreadsheets/test_report_formula_escaping.py); every field rule on plain objects, non-BMP lengths included
(tests/rules/test_fields.py); 101 lines in the renderers and the XSD (tests/messages/); one too-long orderNo
through the API (tests/api/test_declarations_crud.py).
"""

import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.messages.ceb303 import render_order
from declarations.messages.ceb603 import render_inventory
from declarations.messages.schema import validate_ours
from declarations.models import Declaration, DeclarationLine, Membership
from declarations.rules.fields import HEAD_FIELDS, ITEM_NO_MAX_LIST, LINE_FIELDS, MAX_LINES, Text
from declarations.selectors_rule_context import rule_context_load
from declarations.services.message_lint import message_lint
from tests import factories as f
from tests.api.conftest import declaration_payload, line_payload
from tests.web.payloads import LINE, declaration_post

pytestmark = pytest.mark.django_db

URL = "/api/declarations/"


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def api_a(user_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_a).key}")
    return client


@pytest.fixture
def web_a(user_a):
    client = Client()
    client.force_login(user_a)
    return client


@pytest.fixture
def draft_a(exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, order_no="KEEP-ME")
    f.DeclarationLineFactory(declaration=declaration, gnum=1, item_no="KEEP-SKU")
    return declaration


def _stored(declaration) -> tuple:
    declaration.refresh_from_db()
    lines = list(declaration.lines.values_list("gnum", "item_no", "gname"))
    return declaration.order_no, declaration.updated_at, declaration.findings, lines


def _errors(response) -> set[tuple]:
    return {(e["code"], e["field"], e["gnum"]) for e in response.json()["errors"]}


def _findings(body: dict, field: str, gnum: int | None = None) -> set[str]:
    return {x["code"] for x in body["findings"] if x["field"] == field and x["gnum"] == gnum}


# --- check_message: XML attacks in the linted file ---------------------------------------------------------

_LAUGHS = "".join(
    f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "lol" * 10}">' for i in range(1, 10)
)
_MESSAGE = (
    '<ceb:CEB303Message xmlns:ceb="http://www.chinaport.gov.cn/ceb" guid="x" version="1.0">{body}'
    "</ceb:CEB303Message>"
)


def _doc(doctype: str, body: str) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE ceb:CEB303Message [{doctype}]>\n'
        + _MESSAGE.format(body=body)
    )


def _hostile_documents(secret_uri: str) -> dict[str, bytes]:
    return {
        "billion-laughs": _doc(_LAUGHS, "&lol9;").encode(),
        "billion-laughs-utf16": _doc(_LAUGHS, "&lol9;").replace("UTF-8", "UTF-16").encode("utf-16"),
        "laughs-in-attribute": _doc(_LAUGHS, "").replace('guid="x"', 'guid="&lol9;"').encode(),
        "parameter-entity": _doc(f'<!ENTITY % p SYSTEM "{secret_uri}"> %p;', "x").encode(),
        "external-dtd": (
            '<?xml version="1.0"?>\n<!DOCTYPE ceb:CEB303Message SYSTEM "http://127.0.0.1:9/evil.dtd">\n'
            + _MESSAGE.format(body="x")
        ).encode(),
        "xinclude": _MESSAGE.format(
            body=f'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="{secret_uri}" parse="text"/>'
        ).encode(),
    }


@pytest.fixture
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-VALUE")
    return path


def _check_message(*paths) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command("check_message", *[str(p) for p in paths], stdout=out)
    except SystemExit as exc:
        return exc.code, out.getvalue()
    return 0, out.getvalue()


@pytest.mark.parametrize(
    "name",
    ["billion-laughs", "billion-laughs-utf16", "laughs-in-attribute", "parameter-entity", "external-dtd"],
)
def test_check_message_refuses_a_doctype_without_expanding_it(english, tmp_path, secret, name):
    path = tmp_path / f"{name}.xml"
    path.write_bytes(_hostile_documents(secret.as_uri())[name])
    code, out = _check_message(path)
    assert code == 1
    if name == "billion-laughs-utf16":
        # libxml2 stops at the entity declarations (amplification limit) before the DOCTYPE check sees them.
        assert out.splitlines() == [
            f"{path}: : XSD: not well-formed XML: Maximum entity amplification factor exceeded, "
            "see xmlCtxtSetMaxAmplification."
        ]
    else:
        assert out.splitlines() == [f"{path}: : XSD: DOCTYPE is not allowed"]
    assert "TOP-SECRET-VALUE" not in out and "lollol" not in out


def test_message_lint_service_refuses_the_same_documents_alone(english, secret):
    """The service the command wraps: one DOCTYPE problem, no rule ran on expanded content."""
    ctx = rule_context_load()
    for name, data in _hostile_documents(secret.as_uri()).items():
        problems = message_lint(data=data, ctx=ctx)
        text = " ".join(p.message for p in problems)
        assert "TOP-SECRET-VALUE" not in text and "lollol" not in text, name
        if name == "xinclude":
            # No DOCTYPE here: the XInclude element is just an unexpected element, never processed.
            assert problems and all(p.code == "XSD" for p in problems)
            assert any("xi:include" in p.message or "XInclude" in p.message for p in problems)
        elif name == "billion-laughs-utf16":
            assert [(p.path, p.code) for p in problems] == [("", "XSD")]
            assert problems[0].message.startswith("not well-formed XML: Maximum entity amplification")
        else:
            assert [(p.path, p.code, p.message) for p in problems] == [("", "XSD", "DOCTYPE is not allowed")]


def test_check_message_refuses_deep_nesting_as_not_well_formed(english, tmp_path):
    path = tmp_path / "deep.xml"
    path.write_bytes(b"<a>" * 100_000 + b"</a>" * 100_000)
    code, out = _check_message(path)
    assert code == 1
    assert out.splitlines() == [
        f"{path}: : XSD: not well-formed XML: Excessive depth in document: 256, use XML_PARSE_HUGE option"
    ]


def test_check_message_refuses_an_oversize_file_before_parsing(english, tmp_path, settings):
    settings.RECEIPT_MAX_BYTES = 1000
    path = tmp_path / "big.xml"
    path.write_bytes(_MESSAGE.format(body="x" * 1000).encode())
    code, out = _check_message(path)
    assert code == 1
    assert out.splitlines() == [f"{path}: /: TOO_LARGE: The file is larger than 1000 bytes."]


# --- 101 goods lines -----------------------------------------------------------------------------------------


def _lines(count: int) -> list[dict]:
    return [line_payload(itemNo=f"SKU-{n:04d}") for n in range(1, count + 1)]


def test_api_refuses_101_lines_and_stores_nothing(api_a, exporter_a):
    response = api_a.post(URL, declaration_payload(exporter_a, lines=_lines(MAX_LINES + 1)), format="json")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "TOO_MANY_LINES",
            "message": "一份申报单最多包含 100 个商品行；本单有 101 个。请拆分为多份申报单。",
            "field": "lines",
            "gnum": None,
        }
    ]
    assert Declaration.objects.count() == 0
    assert DeclarationLine.objects.count() == 0


def test_api_accepts_exactly_100_lines(api_a, exporter_a):
    response = api_a.post(URL, declaration_payload(exporter_a, lines=_lines(MAX_LINES)), format="json")
    assert response.status_code == 201, response.json()
    assert [line["gnum"] for line in response.json()["lines"]] == list(range(1, 101))
    assert "TOO_MANY_LINES" not in {x["code"] for x in response.json()["findings"]}


@pytest.mark.parametrize("method", ["put", "patch"])
def test_api_update_with_101_lines_leaves_the_draft_unchanged(api_a, exporter_a, draft_a, method):
    before = _stored(draft_a)
    payload = declaration_payload(exporter_a, lines=_lines(MAX_LINES + 1))
    response = getattr(api_a, method)(f"{URL}{draft_a.pk}/", payload, format="json")
    assert response.status_code == 400
    assert _errors(response) == {("TOO_MANY_LINES", "lines", None)}
    assert _stored(draft_a) == before


def _web_lines(count: int) -> list[dict]:
    return [{**LINE, "item_no": f"SKU-{n:04d}"} for n in range(1, count + 1)]


def test_portal_form_refuses_101_lines_and_stores_nothing(web_a, exporter_a):
    data = declaration_post(enterprise=exporter_a, lines=_web_lines(MAX_LINES + 1), initial_forms=0)
    response = web_a.post(reverse("declaration_create"), data)
    assert response.status_code == 200
    message = "一份申报单最多包含 100 个商品行；本单有 101 个。请拆分为多份申报单。"
    assert response.context["formset"].non_form_errors() == [message]
    assert f'<p class="error">{message}</p>' in response.content.decode()
    assert Declaration.objects.count() == 0


def test_portal_edit_with_101_lines_leaves_the_draft_unchanged(web_a, exporter_a, draft_a):
    before = _stored(draft_a)
    data = declaration_post(enterprise=exporter_a, lines=_web_lines(MAX_LINES + 1), initial_forms=0)
    response = web_a.post(reverse("declaration_edit", args=[draft_a.pk]), data)
    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert _stored(draft_a) == before


def test_portal_form_accepts_exactly_100_lines(web_a, exporter_a):
    data = declaration_post(enterprise=exporter_a, lines=_web_lines(MAX_LINES), initial_forms=0)
    response = web_a.post(reverse("declaration_create"), data)
    assert response.status_code == 302
    assert Declaration.objects.get().lines.count() == MAX_LINES


# --- strings at and past every XSD length -----------------------------------------------------------------------

HEAD_KEYS = {spec.ceb: spec for spec in HEAD_FIELDS if isinstance(spec, Text)}
LINE_KEYS = {spec.ceb: spec for spec in LINE_FIELDS if isinstance(spec, Text)}
LENGTH_CODES = {"TOO_LONG", "WRONG_LENGTH"}


def _limit(spec: Text, *, line: bool) -> int:
    # The list channel (the payload's) allows 20 characters of itemNo, the order message 30.
    return ITEM_NO_MAX_LIST if line and spec.ceb == "itemNo" else spec.max


def _payload_with(exporter, key: str, value: str, *, line: bool, n: int) -> dict:
    head = {"orderNo": f"LEN-{n:04d}", "logisticsNo": f"LEN-{n:04d}"}
    if line:
        return declaration_payload(exporter, lines=[line_payload(**{key: value})], **head)
    return declaration_payload(exporter, **{**head, key: value})


def _length_cases():
    for key, spec in HEAD_KEYS.items():
        yield key, spec, False
    for key, spec in LINE_KEYS.items():
        yield key, spec, True


def test_every_text_field_at_its_xsd_length_is_stored_whole(api_a, exporter_a):
    problems = []
    for n, (key, spec, line) in enumerate(_length_cases()):
        # Non-BMP characters count as one: a value may be all emoji and still fit.
        value = ("9" * _limit(spec, line=line)) if spec.min else "\U0001f600" * _limit(spec, line=line)
        response = api_a.post(URL, _payload_with(exporter_a, key, value, line=line, n=n), format="json")
        if response.status_code != 201:
            problems.append(f"{key} at {len(value)}: {response.status_code} {response.json()}")
            continue
        body = response.json()
        stored = body["lines"][0][key] if line else body[key]
        if stored != value:
            problems.append(f"{key}: stored {len(stored)} characters of {len(value)}")
        found = _findings(body, key, 1 if line else None) & LENGTH_CODES
        if found:
            problems.append(f"{key} at its length {len(value)} got {found}")
    assert problems == []


def test_every_text_field_past_its_xsd_length_is_named(api_a, exporter_a):
    """Past the length: a 400 naming the field (nothing stored), or a finding naming it with the value kept whole;
    never a crash or a silently shortened value."""
    problems = []
    for n, (key, spec, line) in enumerate(_length_cases()):
        value = "X" * (_limit(spec, line=line) + 1)
        count = Declaration.objects.count()
        response = api_a.post(URL, _payload_with(exporter_a, key, value, line=line, n=n), format="json")
        gnum = 1 if line else None
        if response.status_code == 400:
            if not _errors(response) & {(code, key, gnum) for code in LENGTH_CODES}:
                problems.append(f"{key}: 400 without a length error for it: {response.json()}")
            if Declaration.objects.count() != count:
                problems.append(f"{key}: refused but stored")
        elif response.status_code == 201:
            body = response.json()
            stored = body["lines"][0][key] if line else body[key]
            if stored != value:
                problems.append(f"{key}: silently stored {len(stored)} of {len(value)} characters")
            if not _findings(body, key, gnum) & LENGTH_CODES:
                problems.append(f"{key}: stored past its length without a finding")
        else:
            problems.append(f"{key}: {response.status_code}")
    assert problems == []


# --- characters outside the Basic Multilingual Plane, and characters XML cannot carry ---------------------------

NON_BMP = "保温杯\U0001f600\U00020000"  # an emoji and 𠀀 (CJK Extension B)


def test_non_bmp_characters_round_trip_through_api_and_message(api_a, exporter_a):
    payload = declaration_payload(
        exporter_a,
        goodsInfo=NON_BMP,
        lines=[line_payload(itemName=NON_BMP, gname=NON_BMP, gmodel=f"{NON_BMP}|500ml")],
    )
    response = api_a.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    declaration = Declaration.objects.get()
    assert declaration.goods_info == NON_BMP
    assert declaration.lines.get().gname == NON_BMP
    fetched = api_a.get(f"{URL}{declaration.pk}/").json()
    assert (fetched["goodsInfo"], fetched["lines"][0]["gname"]) == (NON_BMP, NON_BMP)
    assert not {x["code"] for x in fetched["findings"]} & {"INVALID_CHARACTERS", "TOO_LONG"}
    lines = list(declaration.lines.all())
    order, inventory = render_order(declaration, lines).content, render_inventory(declaration, lines).content
    assert f"<ceb:itemName>{NON_BMP}</ceb:itemName>".encode() in order
    assert f"<ceb:gname>{NON_BMP}</ceb:gname>".encode() in inventory
    assert validate_ours(order) == [] and validate_ours(inventory) == []


def test_non_bmp_characters_round_trip_through_the_portal_form(web_a, exporter_a):
    data = declaration_post(enterprise=exporter_a, lines=[{**LINE, "gname": NON_BMP}], goods_info=NON_BMP)
    response = web_a.post(reverse("declaration_create"), data)
    assert response.status_code == 302
    declaration = Declaration.objects.get()
    assert (declaration.goods_info, declaration.lines.get().gname) == (NON_BMP, NON_BMP)
    page = web_a.get(reverse("declaration_detail", args=[declaration.pk])).content.decode()
    assert NON_BMP in page


def test_lone_surrogate_and_nul_are_refused_by_the_api(api_a, exporter_a):
    payload = declaration_payload(exporter_a, lines=[line_payload(gname="cup\ud800")], goodsInfo="a\x00b")
    # Escaped JSON (\\ud800): a lone surrogate cannot even be encoded as UTF-8.
    response = api_a.post(URL, json.dumps(payload), content_type="application/json")
    assert response.status_code == 400
    assert _errors(response) == {
        ("INVALID_CHARACTERS", "gname", 1),
        ("INVALID_CHARACTERS", "goodsInfo", None),
    }
    assert Declaration.objects.count() == 0


def test_control_characters_are_a_finding_not_a_crash(api_a, exporter_a):
    response = api_a.post(
        URL, declaration_payload(exporter_a, lines=[line_payload(gname="cup\x07")]), format="json"
    )
    assert response.status_code == 201
    assert "INVALID_CHARACTERS" in _findings(response.json(), "gname", 1)


# --- malformed codes ---------------------------------------------------------------------------------------------

MALFORMED_HEAD = {
    "customsCode": ("51@1", "UNKNOWN_CUSTOMS_OFFICE"),
    "portCode": ("ZZZZ", "UNKNOWN_CUSTOMS_OFFICE"),
    "country": ("U5A", "UNKNOWN_COUNTRY"),
    "currency": ("$$$", "UNKNOWN_CURRENCY"),
    "trafMode": ("#", "UNKNOWN_TRANSPORT_MODE"),
    "wrapType": ("!", "UNKNOWN_PACKING_TYPE"),
    "logisticsCode": ("<script>", "INVALID_ENTERPRISE_CODE"),
}
MALFORMED_LINE = {
    "gcode": ("96170011OO", "HS_CODE_FORMAT"),
    "unit": ("0x7", "UNKNOWN_UNIT"),
    "unit1": ("PCS", "UNKNOWN_UNIT"),
    "country": ("../", "UNKNOWN_COUNTRY"),
    "currency": ("USD", "UNKNOWN_CURRENCY"),
}


@pytest.fixture
def codes(db):
    from declarations.services.codes import code_tables_load

    code_tables_load()


def test_malformed_codes_are_findings_on_their_fields(api_a, exporter_a, codes):
    head = {key: value for key, (value, _code) in MALFORMED_HEAD.items()}
    line = {key: value for key, (value, _code) in MALFORMED_LINE.items()}
    response = api_a.post(
        URL, declaration_payload(exporter_a, lines=[line_payload(**line)], **head), format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    missing = [k for k, (_v, code) in MALFORMED_HEAD.items() if code not in _findings(body, k)]
    missing += [k for k, (_v, code) in MALFORMED_LINE.items() if code not in _findings(body, k, 1)]
    assert missing == []
    # Stored as typed, for the user to correct; a finding blocks submission.
    declaration = Declaration.objects.get()
    assert (declaration.customs_code, declaration.lines.get().gcode) == ("51@1", "96170011OO")
    assert api_a.post(f"{URL}{declaration.pk}/submit/").status_code == 400


# --- numbers: negative, too many decimals, too large, not a number -----------------------------------------------


def test_negative_amounts_are_findings_on_their_fields(api_a, exporter_a):
    payload = declaration_payload(
        exporter_a, freight="-150", lines=[line_payload(qty="-1", price="-32", totalPrice="-3200")]
    )
    response = api_a.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert "NEGATIVE_NUMBER" in _findings(body, "freight")
    for key in ("qty", "price", "totalPrice"):
        assert "NEGATIVE_NUMBER" in _findings(body, key, 1), key
    assert Declaration.objects.get().freight == Decimal("-150")  # kept as typed, not clamped


def test_negative_package_count_is_refused(api_a, exporter_a):
    response = api_a.post(URL, declaration_payload(exporter_a, packNo=-1), format="json")
    assert response.status_code == 400
    assert _errors(response) == {("NEGATIVE_NUMBER", "packNo", None)}
    assert Declaration.objects.count() == 0


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("1.123456", "DECIMAL_PRECISION"),  # 6 decimals: N19,5 allows 5
        ("123456789012345", "DECIMAL_PRECISION"),  # 15 integer digits: 14 allowed
        ("1e400", "DECIMAL_PRECISION"),
        ("NaN", "INVALID_NUMBER"),
        ("Infinity", "INVALID_NUMBER"),
        ("12,5", "INVALID_NUMBER"),
    ],
)
def test_bad_numbers_are_refused_by_the_api_naming_the_field(api_a, exporter_a, value, code):
    payload = declaration_payload(exporter_a, grossWeight=value, lines=[line_payload(price=value)])
    response = api_a.post(URL, payload, format="json")
    assert response.status_code == 400
    assert _errors(response) == {(code, "grossWeight", None), (code, "price", 1)}
    assert Declaration.objects.count() == 0


def test_numbers_at_the_limit_are_accepted_exactly(api_a, exporter_a):
    # 14 integer digits and 5 decimals, each at its limit (together they exceed SQLite's float storage, which is
    # not exact; PostgreSQL's numeric is).
    payload = declaration_payload(exporter_a, freight="99999999999999", lines=[line_payload(qty="0.00001")])
    response = api_a.post(URL, payload, format="json")
    assert response.status_code == 201, response.json()
    declaration = Declaration.objects.get()
    assert declaration.freight == Decimal("99999999999999")
    assert declaration.lines.get().qty == Decimal("0.00001")


def test_six_decimals_in_the_portal_form_is_a_form_error(web_a, exporter_a):
    data = declaration_post(enterprise=exporter_a, lines=[{**LINE, "price": "32.123456"}], gross_weight="-1")
    response = web_a.post(reverse("declaration_create"), data)
    assert response.status_code == 200
    assert response.context["formset"].forms[0].errors["price"]
    assert Declaration.objects.count() == 0

"""The declaration list counts up to a cap (or up to the page shown) instead of COUNT(*) over the whole tenant;
its filter fields are rendered once per language and values; labels come from per-language lookups."""

import datetime
import re

import pytest
from django.utils import timezone

from declarations.views import declarations as views
from tests import factories as f

pytestmark = pytest.mark.django_db

EN_LIST = "/en/declarations/"


@pytest.fixture
def seven(exporter_a, monkeypatch):
    """Seven declarations, two per page, the count capped at four."""
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    monkeypatch.setattr(views, "COUNT_CAP", 4)
    for n in range(7):
        f.DeclarationFactory(enterprise=exporter_a, order_no=f"ORD-{n}")


def _pager(body: str) -> tuple[str, str, list[str]]:
    count = re.search(r'<p class="help">([^<]*)</p>', body).group(1)
    span = re.search(r'<nav class="pager"[^>]*>.*?<span>([^<]*)</span>', body, re.S)
    links = re.findall(r'<a href="\?page=(\d+)">', body)
    return count, span.group(1) if span else "", links


def test_count_over_the_cap_is_a_lower_bound(client_a, seven):
    response = client_a.get(EN_LIST)
    assert [d["order_no"] for d in response.context["page"]] == ["ORD-6", "ORD-5"]
    assert _pager(response.content.decode()) == ("More than 4 declarations", "Page 1", ["2"])


def test_count_reaches_the_page_shown(client_a, seven):
    response = client_a.get(EN_LIST, {"page": 3})
    assert [d["order_no"] for d in response.context["page"]] == ["ORD-2", "ORD-1"]
    assert _pager(response.content.decode()) == ("More than 6 declarations", "Page 3", ["2", "4"])


def test_last_page_has_the_exact_count(client_a, seven):
    response = client_a.get(EN_LIST, {"page": 4})
    assert [d["order_no"] for d in response.context["page"]] == ["ORD-0"]
    assert _pager(response.content.decode()) == ("7 declarations", "Page 4 of 4", ["3"])


@pytest.mark.parametrize(("page", "shown", "orders"), [("99", 4, ["ORD-0"]), ("x", 1, ["ORD-6", "ORD-5"])])
def test_page_past_the_end_or_invalid(client_a, seven, page, shown, orders):
    response = client_a.get(EN_LIST, {"page": page})
    assert response.context["page"].number == shown
    assert [d["order_no"] for d in response.context["page"]] == orders


def test_small_tenant_exact_count_and_no_pager(client_a, exporter_a):
    f.DeclarationFactory(enterprise=exporter_a)
    body = client_a.get(EN_LIST).content.decode()
    assert '<p class="help">1 declaration</p>' in body
    assert 'class="pager"' not in body


def test_rows_show_labels_links_and_local_date(client_a, exporter_a):
    declaration = f.DeclarationFactory(
        enterprise=exporter_a, status="released", channel="", recommended_channel="customs_declaration"
    )
    created = datetime.datetime(2026, 3, 1, 17, 30, tzinfo=datetime.UTC)  # 2026-03-02 01:30 in Shanghai
    type(declaration).objects.filter(pk=declaration.pk).update(created_at=created)
    row = re.search(r"<tbody>.*</tbody>", client_a.get(EN_LIST).content.decode(), re.S).group(0)
    assert f'<a href="/en/declarations/{declaration.pk}/">{declaration.cop_no}</a>' in row
    assert '<td class="status-released">Released</td>' in row
    assert "<td>Customs declaration</td>" in row
    assert "<td>2026-03-02</td>" in row
    assert f"<td>{exporter_a.name}</td>" in row
    zh = client_a.get("/declarations/").content.decode()
    assert '<td class="status-released">放行</td>' in zh
    assert f'<a href="/declarations/{declaration.pk}/">' in zh


def _selected(body: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', body, re.S).group(0)
    return re.findall(r'<option value="([^"]*)" selected>', select)


def test_filter_fields_follow_values_and_language(client_a, exporter_a):
    views._filter_fields_html.clear()
    released = client_a.get(EN_LIST, {"status": "released"}).content.decode()
    draft = client_a.get(EN_LIST, {"status": "draft", "q": "<b>x"}).content.decode()
    again = client_a.get(EN_LIST, {"status": "released"}).content.decode()
    zh = client_a.get("/declarations/", {"status": "released"}).content.decode()
    assert _selected(released, "status") == _selected(again, "status") == ["released"]
    assert _selected(draft, "status") == ["draft"]
    assert 'name="q" value="&lt;b&gt;x"' in draft
    assert '<option value="released" selected>Released</option>' in released
    assert '<option value="released" selected>放行</option>' in zh
    assert len(views._filter_fields_html) == 3


def test_filter_errors_are_shown_and_not_cached(client_a, exporter_a):
    views._filter_fields_html.clear()
    today = timezone.localdate()
    params = {"date_from": today.isoformat(), "date_to": (today - datetime.timedelta(days=1)).isoformat()}
    body = client_a.get(EN_LIST, params).content.decode()
    assert "The end date is before the start date." in body
    assert views._filter_fields_html == {}

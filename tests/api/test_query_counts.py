"""No N+1 queries in the declarations API: the same number of queries for 1 and for 20 declarations, each with
several goods lines, messages and receipts. The expected counts are exact; each is spelt out."""

import pytest

from declarations.code_labels import warm_cache
from tests import factories as f

pytestmark = pytest.mark.django_db


# Token authentication: the token joined to its user.
TOKEN = 1


def populate(enterprise, count: int, *, lines: int = 3) -> list:
    declarations = []
    for _ in range(count):
        declaration = f.DeclarationFactory(enterprise=enterprise)
        for gnum in range(1, lines + 1):
            f.DeclarationLineFactory(declaration=declaration, gnum=gnum)
        for message_type in ("CEB303", "CEB505", "CEB603"):
            f.RenderedMessageFactory(declaration=declaration, message_type=message_type)
        f.ReceiptFactory(declaration=declaration, receipt_type="CEB604", return_status="120", state="applied")
        declarations.append(declaration)
    return declarations


@pytest.mark.parametrize("count", [1, 20])
def test_declaration_list(api_a, exporter_a, exporter_b, django_assert_num_queries, count):
    populate(exporter_a, count)
    populate(exporter_b, 2)  # another tenant's rows change nothing
    # + enterprise ids, COUNT(*) for the pager, one page of declarations, their lines (one prefetch), and the
    # enterprise ids again for the serializer's enterprise and warehouse choices.
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(TOKEN + 5):
        response = api_a.get("/api/declarations/")
    assert response.status_code == 200
    assert response.data["count"] == count
    assert [len(d["lines"]) for d in response.data["results"]] == [3] * count


@pytest.mark.parametrize("count, lines", [(1, 1), (20, 20)])
def test_declaration_detail(api_a, exporter_a, django_assert_num_queries, count, lines):
    declaration = populate(exporter_a, count, lines=lines)[-1]
    # + enterprise ids, the declaration, its lines, the enterprise ids for the serializer's choices.
    warm_cache()  # code names are read once per process (declarations.code_labels), not per request
    with django_assert_num_queries(TOKEN + 4):
        response = api_a.get(f"/api/declarations/{declaration.pk}/")
    assert response.status_code == 200
    assert [line["gnum"] for line in response.data["lines"]] == list(range(1, lines + 1))

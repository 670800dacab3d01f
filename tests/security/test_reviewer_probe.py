"""A staff reviewer against exporter A's objects: it opens A's review documents (registration attachment,
warehouse proof) and nothing else of A's in the portal or the API, and changes nothing anywhere — the admin's
review pages included, where only the decision is allowed."""

import pytest

from declarations.services.staff import reviewer_group_ensure
from tests import factories as f
from tests.security.conftest import A_FILE_BYTES, Persona
from tests.security.test_tenancy_probe import _object_routes, _probe, _url, state_snapshot

pytestmark = pytest.mark.django_db

REVIEW_DOCUMENT_ROUTES = {"registration_attachment", "warehouse_document", "declaration_document"}


@pytest.fixture
def reviewer_persona(tenant_a) -> Persona:
    user = f.UserFactory(is_staff=True)
    user.groups.add(reviewer_group_ensure())
    return Persona("staff reviewer", user, {})


def test_reviewer_reaches_no_other_object_of_a(tenant_a, reviewer_persona):
    routes = [r for r in _object_routes() if r.name not in REVIEW_DOCUMENT_ROUTES]
    problems = _probe(reviewer_persona, tenant_a, routes, refused_only=True)
    assert problems == [], "\n".join(problems)


def test_reviewer_opens_the_review_documents_and_changes_nothing(tenant_a, reviewer_persona):
    client = reviewer_persona.web()
    before = state_snapshot(tenant_a)
    for route in [r for r in _object_routes() if r.name in REVIEW_DOCUMENT_ROUTES]:
        url = _url(route, tenant_a)
        response = client.get(url)
        assert response.status_code == 200, url
        assert A_FILE_BYTES in b"".join(response.streaming_content)
        assert client.post(url, {"file": "x"}).status_code == 405
    assert state_snapshot(tenant_a) == before


def test_reviewer_cannot_change_a_records_in_admin(tenant_a, reviewer_persona, exporter_b):
    client = reviewer_persona.web()
    other_warehouse = f.OverseasWarehouseFactory(enterprise=exporter_b)
    before = state_snapshot(tenant_a)
    posts = {
        f"/admin/declarations/warehousefiling/{tenant_a.filing.pk}/change/": {
            "warehouse": other_warehouse.pk
        },
        f"/admin/declarations/registration/{tenant_a.registration.pk}/change/": {"enterprise": exporter_b.pk},
        f"/admin/declarations/overseaswarehouse/{tenant_a.warehouse.pk}/change/": {
            "enterprise": exporter_b.pk
        },
        f"/admin/declarations/enterprise/{tenant_a.enterprise.pk}/change/": {"name": "HOSTILE"},
        f"/admin/declarations/declaration/{tenant_a.declaration.pk}/change/": {"order_no": "HOSTILE"},
        f"/admin/declarations/warehousedocument/{tenant_a.document.pk}/change/": {"doc_type": "other"},
        f"/admin/declarations/declarationdocument/{tenant_a.declaration_document.pk}/change/": {
            "doc_type": "other"
        },
    }
    for url, data in posts.items():
        assert client.post(url, data).status_code in (403, 404), url
        assert client.post(url.replace("/change/", "/delete/"), {"post": "yes"}).status_code in (403, 404), (
            url
        )
    assert state_snapshot(tenant_a) == before

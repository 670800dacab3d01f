"""Django admin: reviewers see a declaration's documents (list, page, the declaration's inline) and open them
through the portal's download; nobody adds, changes or deletes them there."""

import pytest
from django.test import Client
from django.urls import reverse

from declarations.models import DeclarationDocument
from declarations.services.staff import reviewer_group_ensure
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer_client():
    user = f.UserFactory(is_staff=True)
    user.groups.add(reviewer_group_ensure())
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def document(declaration_a):
    return f.DeclarationDocumentFactory(declaration=declaration_a, file_name="sales-contract.pdf")


def test_reviewer_sees_the_documents_list_and_page_read_only(reviewer_client, document):
    download = reverse("declaration_document", args=[document.declaration_id, document.pk])
    listing = reviewer_client.get("/admin/declarations/declarationdocument/")
    assert listing.status_code == 200
    assert f'href="{download}"' in listing.content.decode()
    page = reviewer_client.get(f"/admin/declarations/declarationdocument/{document.pk}/change/")
    body = page.content.decode()
    assert page.status_code == 200 and "sales-contract.pdf" in body
    assert (
        'name="doc_type"' not in body
        and 'type="submit"' not in body.split('id="content"')[1].split("</form>")[0]
    )


def test_the_declaration_page_lists_its_documents(reviewer_client, document):
    body = reviewer_client.get(f"/admin/declarations/declaration/{document.declaration_id}/change/").content
    assert reverse("declaration_document", args=[document.declaration_id, document.pk]) in body.decode()


def test_nobody_adds_changes_or_deletes_documents_in_the_admin(reviewer_client, admin_client, document):
    for client in (reviewer_client, admin_client):
        assert client.get("/admin/declarations/declarationdocument/add/").status_code == 403
        change = client.post(
            f"/admin/declarations/declarationdocument/{document.pk}/change/", {"doc_type": "other"}
        )
        assert change.status_code == 403
        delete = client.post(
            f"/admin/declarations/declarationdocument/{document.pk}/delete/", {"post": "yes"}
        )
        assert delete.status_code == 403
    document.refresh_from_db()
    assert (document.doc_type, DeclarationDocument.objects.count()) == ("contract", 1)

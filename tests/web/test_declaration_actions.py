import pytest
from django.urls import reverse

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, StatusEvent
from tests import factories as f
from tests.submit_confirm import confirm_submit

pytestmark = pytest.mark.django_db


def test_submit_renders_and_sends(client_a, clean_declaration, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = confirm_submit(client_a, clean_declaration.pk)
    assert response["Location"] == reverse("declaration_detail", args=[clean_declaration.pk])
    clean_declaration.refresh_from_db()
    assert clean_declaration.status == DeclarationStatus.SENT
    assert list(clean_declaration.events.values_list("to_status", flat=True)) == ["submitted", "sent"]


def test_submit_with_errors_is_blocked(client_a, clean_declaration):
    Declaration.objects.filter(pk=clean_declaration.pk).update(customs_code="9999")
    response = confirm_submit(client_a, clean_declaration.pk)
    assert response["Location"] == reverse("declaration_edit", args=[clean_declaration.pk])
    clean_declaration.refresh_from_db()
    assert clean_declaration.status == DeclarationStatus.DRAFT
    assert StatusEvent.objects.count() == 0


def test_copy(client_a, clean_declaration):
    response = client_a.post(reverse("declaration_copy", args=[clean_declaration.pk]))
    copy = Declaration.objects.exclude(pk=clean_declaration.pk).get()
    assert response["Location"] == reverse("declaration_edit", args=[copy.pk])
    assert copy.lines.count() == 1


def test_delete_draft(client_a, clean_declaration):
    client_a.post(reverse("declaration_delete", args=[clean_declaration.pk]))
    assert Declaration.objects.count() == 0


def test_delete_sent_is_refused(client_a, exporter_a):
    declaration = f.DeclarationFactory(enterprise=exporter_a, status=DeclarationStatus.SENT, version=1)
    client_a.post(reverse("declaration_delete", args=[declaration.pk]))
    assert Declaration.objects.filter(pk=declaration.pk).exists()


@pytest.mark.parametrize("name", ["declaration_submit", "declaration_copy", "declaration_delete"])
def test_other_tenant_post_is_404_and_changes_nothing(client_b, clean_declaration, name):
    assert client_b.post(reverse(name, args=[clean_declaration.pk])).status_code == 404
    clean_declaration.refresh_from_db()
    assert (Declaration.objects.count(), clean_declaration.status, StatusEvent.objects.count()) == (
        1,
        "draft",
        0,
    )


@pytest.mark.parametrize("name", ["declaration_submit", "declaration_copy", "declaration_delete"])
def test_anonymous_post_changes_nothing(client, clean_declaration, name):
    assert client.post(reverse(name, args=[clean_declaration.pk])).status_code == 302
    clean_declaration.refresh_from_db()
    assert (Declaration.objects.count(), clean_declaration.status) == (1, "draft")


def test_get_is_not_allowed(client_a, clean_declaration):
    assert client_a.get(reverse("declaration_delete", args=[clean_declaration.pk])).status_code == 405
    assert Declaration.objects.count() == 1

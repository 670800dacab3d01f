import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from declarations.choices import ReviewStatus
from declarations.models import Registration, RegistrationAttachment
from tests import factories as f
from tests.documents import real_pdf

pytestmark = pytest.mark.django_db


def _pdf(name="licence.pdf", data=None):
    return SimpleUploadedFile(
        name, real_pdf("licence") if data is None else data, content_type="application/pdf"
    )


def test_file_upload_submit(client_a, exporter_a, office):
    response = client_a.post(
        reverse("registration_create"),
        {"enterprise": exporter_a.pk, "customs_office": office.pk, "enterprise_type": "exporter"},
    )
    registration = Registration.objects.get(enterprise=exporter_a)
    assert response["Location"] == reverse("registration_detail", args=[registration.pk])
    assert registration.status == ReviewStatus.DRAFT
    client_a.post(
        reverse("registration_detail", args=[registration.pk]), {"title": "营业执照", "file": _pdf()}
    )
    assert registration.attachments.count() == 1
    client_a.post(reverse("registration_submit", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == ReviewStatus.SUBMITTED


def test_submit_without_attachment_is_refused(client_a, exporter_a):
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.DRAFT)
    client_a.post(reverse("registration_submit", args=[registration.pk]))
    registration.refresh_from_db()
    assert registration.status == ReviewStatus.DRAFT


def test_attachment_with_wrong_content_is_refused(client_a, exporter_a):
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.DRAFT)
    response = client_a.post(
        reverse("registration_detail", args=[registration.pk]),
        {"title": "x", "file": _pdf(data=b"MZ not a pdf")},
    )
    assert response.status_code == 200
    assert RegistrationAttachment.objects.count() == 0


def test_reviewer_reason_is_shown(client_a, exporter_a):
    registration = f.RegistrationFactory(
        enterprise=exporter_a, status=ReviewStatus.REJECTED, reason="营业执照已过期"
    )
    body = client_a.get(reverse("registration_detail", args=[registration.pk])).content.decode()
    assert "营业执照已过期" in body
    assert "营业执照已过期" in client_a.get(reverse("registration_list")).content.decode()


def test_other_tenant_is_404_and_unchanged(client_b, exporter_a):
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.DRAFT)
    f.RegistrationAttachmentFactory(registration=registration)
    assert client_b.get(reverse("registration_detail", args=[registration.pk])).status_code == 404
    assert client_b.post(reverse("registration_submit", args=[registration.pk])).status_code == 404
    response = client_b.post(
        reverse("registration_detail", args=[registration.pk]), {"title": "x", "file": _pdf()}
    )
    assert response.status_code == 404
    registration.refresh_from_db()
    assert registration.status == ReviewStatus.DRAFT
    assert registration.attachments.count() == 1


def test_cannot_file_for_another_enterprise(client_b, exporter_a, office):
    response = client_b.post(
        reverse("registration_create"),
        {"enterprise": exporter_a.pk, "customs_office": office.pk, "enterprise_type": "exporter"},
    )
    assert response.status_code == 200
    assert Registration.objects.count() == 0


def test_broker_cannot_submit_for_exporter(client_broker, exporter_a):
    registration = f.RegistrationFactory(enterprise=exporter_a, status=ReviewStatus.DRAFT)
    f.RegistrationAttachmentFactory(registration=registration)
    assert client_broker.post(reverse("registration_submit", args=[registration.pk])).status_code == 403
    registration.refresh_from_db()
    assert registration.status == ReviewStatus.DRAFT

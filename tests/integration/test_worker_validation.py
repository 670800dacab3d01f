"""A declaration created through the service is validated by a real worker; the result is read from PostgreSQL."""

import pytest
from django.db import connection, transaction

from declarations.models import Declaration
from declarations.services.codes import code_tables_load
from declarations.services.declarations import declaration_request_validation
from tests import factories as f
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def test_worker_validates_declaration_and_stores_findings(celery_worker_process):
    assert connection.vendor == "postgresql"
    code_tables_load()
    line = f.DeclarationLineFactory(declaration__currency="999", currency="999")
    declaration = line.declaration
    with transaction.atomic():
        declaration_request_validation(declaration=declaration)
        # Nothing is dispatched before commit.
        assert Declaration.objects.get(pk=declaration.pk).findings == []

    def stored():
        return Declaration.objects.get(pk=declaration.pk).findings

    findings = wait_for(stored)
    codes = {(item["code"], item["field"]) for item in findings}
    assert ("UNKNOWN_CURRENCY", "currency") in codes

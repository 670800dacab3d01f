"""Fixtures shared by the service tests."""

import pytest

from declarations.choices import DeclarationStatus
from declarations.models import Declaration
from declarations.services.codes import code_tables_load
from tests import factories as f


@pytest.fixture
def submitted(settings, tmp_path):
    """A valid declaration at "submitted", version 1, as declaration_submit leaves it (without the render)."""
    settings.OUTBOX_DIR = tmp_path / "outbox"
    code_tables_load()
    enterprise = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=enterprise, customs_office_id="5141")
    f.ExchangeRateFactory()
    line = f.DeclarationLineFactory(declaration__enterprise=enterprise, declaration__agent=enterprise)
    Declaration.objects.filter(pk=line.declaration_id).update(
        status=DeclarationStatus.SUBMITTED, version=1, channel="list"
    )
    return Declaration.objects.get(pk=line.declaration_id)

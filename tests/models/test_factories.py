"""Every model has a factory that builds a valid, saved row."""

import pytest
from django.apps import apps

from tests import factories as f

pytestmark = pytest.mark.django_db

FACTORIES = [
    f.CustomsOfficeFactory,
    f.CountryFactory,
    f.CurrencyFactory,
    f.UnitFactory,
    f.TransportModeFactory,
    f.PackingTypeFactory,
    f.HSCodeFactory,
    f.ExchangeRateFactory,
    f.EnterpriseFactory,
    f.MembershipFactory,
    f.DelegationFactory,
    f.DelegationEventFactory,
    f.RegistrationFactory,
    f.RegistrationAttachmentFactory,
    f.OverseasWarehouseFactory,
    f.WarehouseFilingFactory,
    f.WarehouseDocumentFactory,
    f.DeclarationFactory,
    f.DeclarationLineFactory,
    f.DeclarationReturnFactory,
    f.DeclarationReturnLineFactory,
    f.DeclarationDocumentFactory,
    f.RenderedMessageFactory,
    f.ReceiptFactory,
    f.StatusEventFactory,
    f.CatalogueItemFactory,
    f.NotificationFactory,
    f.ImportJobFactory,
    f.TaskDispatchFactory,
    f.CustomsEntryResultFactory,
    f.SupervisionConditionFactory,
    f.InspectionCategoryFactory,
    f.TariffFactory,
    f.MasterBillFactory,
    f.MasterBillItemFactory,
    f.MasterBillEventFactory,
]


@pytest.mark.parametrize("factory", FACTORIES, ids=lambda fa: fa.__name__)
def test_factory_builds_a_valid_row(factory):
    obj = factory()
    obj.full_clean()
    assert type(obj).objects.filter(pk=obj.pk).exists()


def test_every_concrete_model_has_a_factory():
    covered = {fa._meta.model for fa in FACTORIES}
    ours = {
        m for m in apps.get_app_config("declarations").get_models() if not m.__name__.startswith("Historical")
    }
    assert ours - covered == set()

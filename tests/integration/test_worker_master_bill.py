"""On the real worker and PostgreSQL: three lists released through the worker, one master bill for them accepted
by the simulated CEB608, each list showing it; then one released list cancelled with a reason (CEB605/606)."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection

from declarations.choices import DeclarationStatus
from declarations.models import Declaration, MasterBill
from declarations.selectors_master_bills import master_bills_of_declaration
from declarations.services.codes import code_tables_load
from declarations.services.declarations import declaration_check
from declarations.services.master_bills import master_bill_create, master_bill_submit
from declarations.services.receipts import receipts_ingest
from declarations.services.simulation import customs_simulate
from declarations.services.submission import declaration_cancel, declaration_submit
from tests import factories as f
from tests.integration.conftest import wait_for

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _released_lists(broker, count: int) -> list[Declaration]:
    exporter = f.EnterpriseFactory()
    f.RegistrationFactory(enterprise=exporter, customs_office_id="5141")
    f.DelegationFactory(broker=broker, exporter=exporter)
    declarations = []
    for _ in range(count):
        line = f.DeclarationLineFactory(declaration__enterprise=exporter, declaration__agent=broker)
        findings, _advice = declaration_check(declaration=line.declaration)
        assert [x.code for x in findings if x.is_error] == []
        declaration_submit(declaration=line.declaration)
        declarations.append(line.declaration)
    ids = [d.pk for d in declarations]

    def all_sent():
        return set(Declaration.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"sent"}

    assert wait_for(all_sent)
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    assert receipts_ingest().failed == 0
    released = list(Declaration.objects.filter(pk__in=ids).order_by("pk"))
    assert {d.status for d in released} == {DeclarationStatus.RELEASED}
    return released


def test_master_bill_for_three_released_lists_then_a_cancellation(celery_worker_process):
    assert connection.vendor == "postgresql"
    code_tables_load()
    broker = f.EnterpriseFactory(is_exporter=False, is_broker=True)
    f.RegistrationFactory(enterprise=broker, customs_office_id="5141")
    lists = _released_lists(broker, 3)

    bill = master_bill_create(
        agent=broker,
        declarations=lists,
        head={
            "customs_code": "5141",
            "traf_mode": "4",
            "traf_name": "粤A12345",
            "voyage_no": "20261205",
            "bill_no": "MBL-IT-1",
            "gross_weight": sum((d.gross_weight for d in lists), Decimal(0)),
            "pack_no": 12,
            "logistics_code": lists[0].logistics_code,
            "logistics_name": lists[0].logistics_name,
        },
    )
    master_bill_submit(master_bill=bill)
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    assert receipts_ingest().failed == 0

    assert MasterBill.objects.get(pk=bill.pk).status == MasterBill.Status.ACCEPTED
    for declaration in lists:
        assert list(master_bills_of_declaration(declaration=declaration)) == [bill]

    declaration_cancel(declaration=lists[0], reason="货物未出境")
    customs_simulate(outbox_dir=settings.OUTBOX_DIR, inbox_dir=settings.INBOX_DIR, outcome="release")
    assert receipts_ingest().failed == 0
    assert Declaration.objects.get(pk=lists[0].pk).status == DeclarationStatus.CANCELLED
    assert Declaration.objects.get(pk=lists[1].pk).status == DeclarationStatus.RELEASED

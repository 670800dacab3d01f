"""A full data set owned by exporter A, the personas that must not reach it, and a snapshot of A's rows."""

import datetime
from dataclasses import dataclass, field

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.test import Client
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.choices import Channel, DeclarationStatus, EnterpriseRole, ImportState, ReviewStatus
from declarations.models import Membership
from declarations.services.codes import code_tables_load
from declarations.services.master_bills import master_bill_create
from tests import factories as f

# Strings and bytes that exist only in exporter A's data: none may reach another tenant.
A_FILE_BYTES = b"%PDF-1.4 A-SECRET-FILE-BYTES"
A_MESSAGE_BYTES = b"<ceb:CEB303Message>A-SECRET-MESSAGE-BYTES</ceb:CEB303Message>"
A_REPORT_BYTES = b"PK\x03\x04A-SECRET-REPORT-BYTES"


@pytest.fixture(autouse=True)
def default_language():
    translation.activate("zh-hans")
    yield
    translation.deactivate()


@dataclass
class TenantA:
    enterprise: object
    user: object
    registration: object
    attachment: object
    warehouse: object
    filing: object
    document: object
    declaration: object  # a clean draft: submit / edit / delete would all succeed for its owner
    released: object  # released inventory list: cancel would succeed for its owner
    customs: object  # customs-declaration channel: the 报关单 draft routes
    message: object
    receipt: object
    import_job: object
    catalogue_item: object
    notification: object
    secrets: list[str] = field(default_factory=list)
    master_bill: object = None  # a draft master bill naming the released list: send would succeed
    delegation: object = None  # a broker's pending request to A: accept / refuse / end would succeed for A
    declaration_document: object = None  # a contract uploaded to the draft declaration

    def rows(self) -> list:
        """Every row of A's data set, to snapshot."""
        return [
            self.enterprise,
            self.user,
            self.registration,
            self.attachment,
            self.warehouse,
            self.filing,
            self.document,
            self.declaration,
            *self.declaration.lines.all(),
            self.released,
            self.customs,
            self.message,
            self.receipt,
            self.import_job,
            self.catalogue_item,
            self.notification,
            *([self.master_bill, *self.master_bill.items.all()] if self.master_bill else []),
            *([self.delegation, *self.delegation.events.all()] if self.delegation else []),
            *([self.declaration_document] if self.declaration_document else []),
        ]


@pytest.fixture
def tenant_a(db, exporter_a) -> TenantA:
    code_tables_load()
    f.ExchangeRateFactory()
    user = f.MembershipFactory(
        enterprise=exporter_a, role=Membership.Role.ADMIN, user__username="a-secret-user"
    ).user
    f.RegistrationFactory(enterprise=exporter_a)  # approved as exporter: A's declarations are clean
    registration = f.RegistrationFactory(
        enterprise=exporter_a, enterprise_type=EnterpriseRole.LOGISTICS, status=ReviewStatus.DRAFT
    )
    attachment = f.RegistrationAttachmentFactory(
        registration=registration,
        title="A-SECRET-LICENCE",
        file__filename="a-secret.pdf",
        file__data=A_FILE_BYTES,
    )
    warehouse = f.OverseasWarehouseFactory(enterprise=exporter_a, name="A-SECRET-WAREHOUSE")
    filing = f.WarehouseFilingFactory(warehouse=warehouse, status=ReviewStatus.DRAFT)
    document = f.WarehouseDocumentFactory(
        filing=filing, file__filename="a-lease.pdf", file__data=A_FILE_BYTES
    )
    declaration = f.DeclarationFactory(
        enterprise=exporter_a,
        order_no="A-SECRET-ORDER",
        cop_no="A-SECRET-COP",
        logistics_no="A-SECRET-WAYBILL",
        created_by=user,
    )
    f.DeclarationLineFactory(declaration=declaration, gnum=1, item_no="A-SECRET-SKU1", gname="A-SECRET-GOODS")
    f.DeclarationLineFactory(declaration=declaration, gnum=2, item_no="A-SECRET-SKU2")
    released = f.DeclarationFactory(
        enterprise=exporter_a,
        order_no="A-SECRET-RELEASED",
        status=DeclarationStatus.RELEASED,
        version=1,
        invt_no="A-SECRET-INVT",
    )
    f.DeclarationLineFactory(declaration=released, gnum=1)
    master_bill = master_bill_create(
        agent=exporter_a,
        declarations=[released],
        head={
            "customs_code": released.customs_code,
            "traf_mode": "4",
            "traf_name": "A-SECRET-TRUCK",
            "voyage_no": "V1",
            "bill_no": "A-SECRET-MBL",
            "gross_weight": released.gross_weight,
            "pack_no": 1,
            "logistics_code": released.logistics_code,
            "logistics_name": released.logistics_name,
        },
    )
    customs = f.DeclarationFactory(
        enterprise=exporter_a, order_no="A-SECRET-CUSTOMS", channel=Channel.CUSTOMS_DECLARATION
    )
    f.DeclarationLineFactory(declaration=customs, gnum=1)
    message = f.RenderedMessageFactory(
        declaration=declaration, guid="A5EC7E70-0000-4000-8000-000000000001", content=A_MESSAGE_BYTES
    )
    receipt = f.ReceiptFactory(
        declaration=declaration, state="applied", guid="A5EC7E70-0000-4000-8000-000000000002"
    )
    import_job = f.ImportJobFactory(
        user=user,
        file_name="a-secret-upload.xlsx",
        state=ImportState.DRY_RUN_DONE,
        rows_total=2,
        rows_done=2,
        counts={"create": 1},
        finished_at=datetime.datetime(2025, 6, 1, tzinfo=datetime.UTC),
    )
    import_job.report.save("a-secret-report.xlsx", ContentFile(A_REPORT_BYTES))
    catalogue_item = f.CatalogueItemFactory(
        enterprise=exporter_a, item_no="A-SECRET-CAT", item_name="A-SECRET-CAT-NAME"
    )
    notification = f.NotificationFactory(user=user, declaration=declaration, text="A-SECRET-NOTICE")
    delegation = f.DelegationFactory(
        broker=f.EnterpriseFactory(name="戊报关行", is_exporter=False, is_broker=True),
        exporter=exporter_a,
        status="pending",
        initiated_by="broker",
        agreement_no="A-SECRET-AGREEMENT",
    )
    f.DelegationEventFactory(delegation=delegation, kind="requested", side="broker", note="A-SECRET-DLG-NOTE")
    # Specific values (no shared prefixes): a response may echo what the prober itself posted, never these.
    secrets = [
        exporter_a.name,
        exporter_a.uscc,
        user.username,
        "A-SECRET-LICENCE",
        "a-secret.pdf",
        "a-lease",
        "A-SECRET-WAREHOUSE",
        "A-SECRET-ORDER",
        "A-SECRET-COP",
        "A-SECRET-WAYBILL",
        "A-SECRET-SKU1",
        "A-SECRET-SKU2",
        "A-SECRET-GOODS",
        "A-SECRET-RELEASED",
        "A-SECRET-INVT",
        "A-SECRET-CUSTOMS",
        message.guid,
        receipt.guid,
        "a-secret-upload",
        "a-secret-report",
        "A-SECRET-CAT-NAME",
        "A-SECRET-NOTICE",
        "A-SECRET-MBL",
        "A-SECRET-TRUCK",
        "A-SECRET-AGREEMENT",
        "A-SECRET-DLG-NOTE",
        A_FILE_BYTES.decode(),
        A_MESSAGE_BYTES.decode(),
    ]
    return TenantA(
        enterprise=exporter_a,
        user=user,
        registration=registration,
        attachment=attachment,
        warehouse=warehouse,
        filing=filing,
        document=document,
        declaration=declaration,
        released=released,
        customs=customs,
        message=message,
        receipt=receipt,
        import_job=import_job,
        catalogue_item=catalogue_item,
        notification=notification,
        secrets=secrets,
        master_bill=master_bill,
        delegation=delegation,
        declaration_document=f.DeclarationDocumentFactory(
            declaration=declaration, file__filename="a-contract.pdf", file__data=A_FILE_BYTES
        ),
    )


@dataclass
class Persona:
    name: str
    user: object | None  # None: anonymous
    own: dict  # the persona's own objects, for payloads that name them

    def web(self) -> Client:
        client = Client()
        if self.user is not None:
            client.force_login(self.user)
        return client

    def api(self) -> APIClient:
        client = APIClient()
        if self.user is not None:
            token, _ = Token.objects.get_or_create(user=self.user)
            client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
        return client


def _own_data(enterprise) -> dict:
    warehouse = f.OverseasWarehouseFactory(enterprise=enterprise)
    declaration = f.DeclarationFactory(enterprise=enterprise)
    f.DeclarationLineFactory(declaration=declaration, gnum=1)
    return {"enterprise": enterprise, "warehouse": warehouse, "declaration": declaration}


@pytest.fixture
def exporter_b_persona(exporter_b, tenant_a) -> Persona:
    user = f.MembershipFactory(enterprise=exporter_b, role=Membership.Role.ADMIN).user
    return Persona("exporter B", user, _own_data(exporter_b))


@pytest.fixture
def foreign_broker_persona(exporter_b, tenant_a) -> Persona:
    """A broker that declares for exporter B, with no delegation from A."""
    broker = f.EnterpriseFactory(name="丁报关行", is_exporter=False, is_broker=True)
    f.DelegationFactory(broker=broker, exporter=exporter_b)
    user = f.MembershipFactory(enterprise=broker, role=Membership.Role.ADMIN).user
    return Persona("broker without delegation from A", user, _own_data(exporter_b))


@pytest.fixture
def anonymous_persona(tenant_a) -> Persona:
    return Persona("anonymous", None, {})


def state_snapshot(tenant: TenantA) -> dict:
    """Row counts of every model that holds portal data, plus every column of each of A's rows."""
    models = [
        *apps.get_app_config("declarations").get_models(),
        get_user_model(),
        Token,
    ]
    snapshot: dict = {f"count:{m._meta.label}": m._default_manager.count() for m in models}
    for row in tenant.rows():
        values = type(row)._default_manager.filter(pk=row.pk).values()
        snapshot[f"row:{row._meta.label}:{row.pk}"] = [
            {k: bytes(v) if isinstance(v, memoryview) else v for k, v in item.items()} for item in values
        ]
    snapshot["files"] = [
        (tenant.attachment.file.name, tenant.attachment.file.storage.exists(tenant.attachment.file.name)),
        (tenant.document.file.name, tenant.document.file.storage.exists(tenant.document.file.name)),
        *(
            [
                (
                    tenant.declaration_document.file.name,
                    tenant.declaration_document.file.storage.exists(tenant.declaration_document.file.name),
                )
            ]
            if tenant.declaration_document
            else []
        ),
        (
            tenant.import_job.report.name,
            tenant.import_job.report.storage.exists(tenant.import_job.report.name),
        ),
    ]
    return snapshot


def a_return(a: TenantA):
    """A's return (退运) of its released declaration, made on first use (the probe maps the returns routes to it)."""
    from decimal import Decimal

    from declarations.services.returns import return_create

    existing = a.released.goods_returns.first()
    if existing is not None:
        return existing
    return return_create(
        declaration=a.released,
        actor=a.user,
        quantities={1: Decimal("1")},
        reason="unsold",
        return_date=a.released.ie_date,
        port_code=a.released.port_code,
    )


@pytest.fixture(autouse=True)
def _returns_of_a(request):
    """A's return exists before any probe takes its snapshot."""
    if "tenant_a" in request.fixturenames:
        a_return(request.getfixturevalue("tenant_a"))

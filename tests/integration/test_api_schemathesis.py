"""schemathesis against the OpenAPI schema on a live server (PostgreSQL): no 5xx, responses match the schema.

Every operation of /api/schema/ is called with generated data (valid and invalid) as a demo exporter with a
token; half the generated object ids are swapped for ids of the exporter's own objects, so detail and action
endpoints answer with real data and not only with 404.
"""

import pytest
import schemathesis
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from declarations import models as m
from declarations.services.demo import demo_load
from declarations.services.imports import import_job_create, import_job_run
from tests import factories as f
from tests.spreadsheets.conftest import fill_template, goods_row, head_row

pytestmark = [pytest.mark.integration]

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES_PER_OPERATION = 15


def _workbook_with_an_error(enterprise) -> bytes:
    """One good and one bad declaration, so the job has an error report."""
    return fill_template(
        [head_row(enterprise, 1), head_row(enterprise, 2, packNo="x")],
        [goods_row("COP-00001"), goods_row("COP-00002")],
    )


@pytest.fixture
def demo_objects(services_ready, live_server, transactional_db) -> dict:
    """Demo data committed to the live server's database; returns the token and known ids by resource path."""
    demo_load()
    user = m.Membership.objects.get(user__username="exporter_a").user
    exporter = m.Enterprise.objects.get(customs_code="4401960ABC")
    # A released inventory list with its message and receipt (and a valid target for cancel).
    released = f.DeclarationFactory(
        enterprise=exporter, status="released", version=1, invt_no="514120260000001"
    )
    f.DeclarationLineFactory(declaration=released)
    message = f.RenderedMessageFactory(declaration=released)
    f.ReceiptFactory(declaration=released, state="applied", keys={"copNo": released.cop_no})
    # A master bill the exporter filed itself (agent = its own enterprise) for that list.
    master_bill = f.MasterBillFactory(agent=exporter)
    f.MasterBillItemFactory(master_bill=master_bill, declaration=released)
    jobs = []
    for dry_run in (True, False):
        upload = SimpleUploadedFile("demo.xlsx", _workbook_with_an_error(exporter))
        job = import_job_create(user=user, uploaded_file=upload, dry_run=dry_run, run_async=False)
        jobs.append(import_job_run(job_id=job.pk).pk)
    declarations = list(m.Declaration.objects.filter(enterprise=exporter).values_list("pk", flat=True))
    filing = m.WarehouseFiling.objects.filter(warehouse__enterprise=exporter).first()
    document = f.WarehouseDocumentFactory(filing=filing, file__filename="lease.pdf", file__data=b"%PDF-1.4")
    contract = f.DeclarationDocumentFactory(declaration=released, file__data=b"%PDF-1.4")
    return {
        "token": Token.objects.create(user=user).key,
        "returns": list(
            m.DeclarationReturn.objects.filter(declaration__enterprise=exporter).values_list(
                "declaration_id", "pk"
            )
        ),
        # (id, document_id) per path prefix: a filing's documents, a declaration's documents
        "documents": {
            "/api/filings/": [(filing.pk, document.pk)],
            "/api/declarations/": [(released.pk, contract.pk)],
        },
        "ids": {
            "/api/enterprises/": [exporter.pk],
            "/api/warehouses/": list(exporter.warehouses.values_list("pk", flat=True)),
            "/api/filings/": list(
                m.WarehouseFiling.objects.filter(warehouse__enterprise=exporter).values_list("pk", flat=True)
            ),
            "/api/declarations/": declarations,
            "/api/messages/": [message.pk],
            "/api/master-bills/": [master_bill.pk],
            "/api/imports/": jobs,
            "/api/delegations/": list(
                m.Delegation.objects.filter(exporter=exporter).values_list("pk", flat=True)
            ),
            "/api/codes/countries/": ["502", "142"],
            "/api/codes/currencies/": ["142", "502"],
            "/api/codes/customs-offices/": ["5141"],
            "/api/codes/units/": ["007"],
            "/api/codes/transport-modes/": ["4"],
            "/api/codes/packing-types/": ["2"],
            "/api/codes/hs/": ["9617001100", "961700"],
            "/api/codes/exchange-rates/": list(m.ExchangeRate.objects.values_list("pk", flat=True)),
        },
    }


def _known_id(
    case, ids: dict, documents: dict[str, list[tuple[int, int]]], returns: list[tuple[int, int]] = ()
) -> None:
    """Swap every other generated id for one of the user's own objects (hypothesis shrinks towards those)."""
    params = case.path_parameters or {}
    value = params.get("id")
    if value is None:
        return
    # Decided by the value itself, so hypothesis replays (and shrinks) a case the same way.
    seed = value if isinstance(value, int) else sum(map(ord, str(value)))
    if seed % 2:
        return
    if "document_id" in params:
        for prefix, known in documents.items():
            if case.path.startswith(prefix) and known:
                params["id"], params["document_id"] = known[(seed // 2) % len(known)]
                return
        return
    if "return_id" in params and returns:
        params["id"], params["return_id"] = returns[(seed // 2) % len(returns)]
        return
    for prefix, known in ids.items():
        if case.path.startswith(prefix) and known:
            params["id"] = known[(seed // 2) % len(known)]
            return


def _known_paths(path: str, demo_objects: dict) -> list[dict]:
    """Path parameters naming each of the user's own objects known for a path (empty where none is known)."""
    if "{document_id}" in path:
        for prefix, known in demo_objects["documents"].items():
            if path.startswith(prefix):
                return [dict(zip(("id", "document_id"), pair, strict=True)) for pair in known]
        return []
    if "{return_id}" in path:
        return [dict(zip(("id", "return_id"), pair, strict=True)) for pair in demo_objects["returns"]]
    if "{id}" in path:
        for prefix, known in demo_objects["ids"].items():
            if path.startswith(prefix):
                return [{"id": value} for value in known]
    return []


def test_api_conforms_to_its_schema(demo_objects, live_server):
    # schemathesis' pytest loader (`from_fixture`) breaks on pytest 9.2 (it sets `Function._nodeid`), so each
    # operation runs through the Python API: one hypothesis test per operation and generation mode.
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/")
    headers = {"Authorization": f"Token {demo_objects['token']}"}
    failures: dict[str, str] = {}
    statuses: dict[str, set[int]] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        known = _known_paths(operation.path, demo_objects) if operation.method.upper() == "GET" else []
        for params in known:
            # An explicit read of each known object per detail route, so that coverage does not hang on how many
            # generated ids happen to be swapped for known ones.
            case = operation.Case(path_parameters=params)
            try:
                response = case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)
                statuses.setdefault(operation.label, set()).add(response.status_code)
            except (Exception, BaseExceptionGroup) as exc:
                failures[f"explicit {operation.label}"] = f"{type(exc).__name__}: {exc}"
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=EXAMPLES_PER_OPERATION,
                deadline=None,
                database=None,
                suppress_health_check=list(HealthCheck),
                phases=[Phase.explicit, Phase.generate, Phase.shrink],
            )
            def call(case):
                _known_id(case, demo_objects["ids"], demo_objects["documents"], demo_objects["returns"])
                response = case.call_and_validate(base_url=live_server.url, headers=headers, checks=CHECKS)
                statuses.setdefault(case.operation.label, set()).add(response.status_code)

            try:
                call()
            except Unsatisfiable:
                continue  # no invalid value exists (e.g. a negative case for a free-text path parameter)
            except (Exception, BaseExceptionGroup) as exc:  # run every operation, report all failures
                failures[f"{mode.value} {operation.label}"] = f"{type(exc).__name__}: {exc}"
    assert operations >= 40
    assert not failures, "\n\n".join(f"== {label}\n{text}" for label, text in failures.items())
    # The token works and the known ids are used: every read answered 200 at least once, not only 4xx.
    reads = {label: codes for label, codes in statuses.items() if label.startswith("GET ")}
    assert {label for label, codes in reads.items() if 200 not in codes} == set(), statuses

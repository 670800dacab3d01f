"""Unsaved declarations and a plain RuleContext for rule tests (no database), and the per-code case table."""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from declarations.rules.context import RuleContext
from declarations.rules.engine import check_declaration
from declarations.rules.finding import Finding
from tests import factories as f

TODAY = datetime.date(2025, 6, 18)
MONTH = datetime.date(2025, 6, 1)
ENTERPRISE_ID = 1
WAREHOUSE_ID = 10

OFFICES = frozenset({"5141", "5100", "2233"})
PILOT_OFFICES = frozenset({"5141"})
CURRENCIES = frozenset({"142", "502", "300"})
COUNTRIES = frozenset({"502", "303", "304"})
UNITS = frozenset({"007", "011", "035"})
TRANSPORT_MODES = frozenset({"2", "4", "5"})
PACKING_TYPES = frozenset("1234567")
HS6 = frozenset({"961700", "420292", "851830"})
RATES = {("502", MONTH): Decimal("7.1"), ("300", MONTH): Decimal("7.8")}


def make_ctx(**overrides) -> RuleContext:
    """Everything valid for the baseline scenario: registered at 5141, warehouse 10 filed, no duplicates."""
    registrations = {(ENTERPRISE_ID, "5141")}
    ctx = RuleContext(
        customs_offices=OFFICES,
        pilot_offices=PILOT_OFFICES,
        currencies=CURRENCIES,
        countries=COUNTRIES,
        units=UNITS,
        transport_modes=TRANSPORT_MODES,
        packing_types=PACKING_TYPES,
        hs6=HS6,
        rate_for=lambda currency, month: RATES.get((currency, month)),
        has_approved_registration=lambda enterprise_id, office: (enterprise_id, office) in registrations,
        warehouse_filing_approved=lambda warehouse_id: warehouse_id == WAREHOUSE_ID,
        is_duplicate=lambda kind, key, exclude_id: False,
        currency_iso={"502": "USD", "300": "EUR", "142": "CNY"},
        today=lambda: TODAY,
    )
    return replace(ctx, **overrides)


def make_enterprise(pk: int = ENTERPRISE_ID, **kwargs):
    return f.EnterpriseFactory.build(id=pk, **kwargs)


def make_head(**kwargs):
    """The factory's valid 9710 list declaration at office 5141, unsaved, dated TODAY, CNY."""
    enterprise = kwargs.pop("enterprise", None) or make_enterprise()
    kwargs.setdefault("agent", enterprise)
    kwargs.setdefault("ie_date", TODAY)
    return f.DeclarationFactory.build(enterprise=enterprise, cop_no="COP00000001", **kwargs)


def make_line(head, gnum: int = 1, **kwargs):
    kwargs.setdefault("item_no", f"SKU-{gnum:04d}")
    return f.DeclarationLineFactory.build(declaration=head, gnum=gnum, **kwargs)


def make_warehouse(pk: int = WAREHOUSE_ID, **kwargs):
    kwargs.setdefault("name", "Example US Warehouse")
    return f.OverseasWarehouseFactory.build(id=pk, country=f.CountryFactory.build(), **kwargs)


@dataclass
class Scenario:
    head: object
    lines: list
    ctx: RuleContext
    order_lines: list = field(default_factory=list)  # the CEB303 side, for order <-> list checks
    extra: dict = field(default_factory=dict)

    def update_ctx(self, **overrides) -> None:
        self.ctx = replace(self.ctx, **overrides)


def scenario(lines: int = 1) -> Scenario:
    head = make_head()
    # The factory line is worth 3,200 CNY; several lines get smaller quantities to stay in the list channel.
    size = {} if lines == 1 else {"qty": Decimal(10), "qty1": Decimal(10), "total_price": Decimal(320)}
    goods = [make_line(head, gnum, **size) for gnum in range(1, lines + 1)]
    return Scenario(head, goods, make_ctx(), order_lines=[copy.copy(line) for line in goods])


def engine(s: Scenario) -> list[Finding]:
    return check_declaration(s.head, s.lines, ctx=s.ctx)


def triples(findings: list[Finding]) -> list[tuple[str, str, int | None]]:
    return [(f.code, f.field, f.gnum) for f in findings]


def set_head(**values) -> Callable[[Scenario], None]:
    def apply(s: Scenario) -> None:
        for name, value in values.items():
            setattr(s.head, name, value)

    return apply


def set_line(index: int = 0, **values) -> Callable[[Scenario], None]:
    def apply(s: Scenario) -> None:
        for name, value in values.items():
            setattr(s.lines[index], name, value)

    return apply


def steps(*functions: Callable[[Scenario], None]) -> Callable[[Scenario], None]:
    def apply(s: Scenario) -> None:
        for function in functions:
            function(s)

    return apply


def nothing(s: Scenario) -> None:
    return None


@dataclass(frozen=True)
class Case:
    """One rule code: ``bad`` makes the baseline fire it at (field, gnum); ``ok``, a near miss, must not."""

    code: str
    field: str
    gnum: int | None
    bad: Callable[[Scenario], None]
    ok: Callable[[Scenario], None] = nothing
    check: Callable[[Scenario], list[Finding]] = engine
    lines: int = 1
    name: str = ""

    @property
    def id(self) -> str:
        return f"{self.code}-{self.name}" if self.name else self.code


def run_failing(case: Case) -> None:
    s = scenario(case.lines)
    case.bad(s)
    found = triples(case.check(s))
    assert (case.code, case.field, case.gnum) in found, found


def run_passing(case: Case) -> None:
    s = scenario(case.lines)
    case.ok(s)
    found = triples(case.check(s))
    assert case.code not in [code for code, _field, _gnum in found], found

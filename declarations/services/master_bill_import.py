"""An upload's master bill sheet (spreadsheets/master_bill_sheet.py): one master bill per billNo, filed through
the same selectors, rules and services as the web form (services/master_bills.py); every problem on its sheet,
row and cell in the import report. Called from the import (services/imports.py) with one line.

Tenancy: the lists are looked up by invtNo among the importing user's own declarations (a list number of
another tenant is "not found", never revealed), the filer is one of the user's enterprises.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from declarations.rules.finding import Finding
from declarations.selectors import declarations_for_user
from declarations.selectors_master_bills import master_bill_agents_for_user
from declarations.services.master_bills import (
    HEAD_FIELDS,
    MasterBillBlocked,
    master_bill_check,
    master_bill_create,
    master_bill_defaults,
    master_bill_submit,
)
from declarations.spreadsheets.master_bill_sheet import (
    HEAD_KEYS,
    MASTER_BILL_COLUMNS,
    BillRows,
    bills_of,
    read_master_bill_sheet,
)
from declarations.spreadsheets.reader import Row, Sheet
from declarations.spreadsheets.report import CellError

_ATTR = {c.key: c.attr for c in MASTER_BILL_COLUMNS if c.attr}
_REQUIRED = [c.key for c in MASTER_BILL_COLUMNS if c.required]
# A finding's field (CEB element) -> the sheet's column, where the sheet has one.
_FINDING_COLUMN = {"lists": "invtNo", "logisticsCode": "invtNo", "logisticsName": "invtNo"}

# Import-only codes (docs/rules.md, "Master bill sheet"): code -> message.
MESSAGES = {
    "MBI_REQUIRED": gettext_lazy("%(column)s is required."),
    "MBI_NOT_A_VALUE": gettext_lazy("%(column)s is not a valid value: %(value)s."),
    "MBI_HEAD_DIFFERS": gettext_lazy(
        "Master bill %(bill_no)s: %(column)s differs from its first row (%(first)s)."
    ),
    "MBI_LIST_UNKNOWN": gettext_lazy("No inventory list %(invt_no)s of yours was found."),
    "MBI_LIST_TWICE": gettext_lazy("List %(invt_no)s is named twice on master bill %(bill_no)s."),
    "MBI_WAYBILL_MISMATCH": gettext_lazy("List %(invt_no)s has waybill %(expected)s, not %(found)s."),
    "MBI_AGENT_UNKNOWN": gettext_lazy(
        "You file no master bills as %(value)s: name one of your own enterprises."
    ),
    "MBI_AGENT_REQUIRED": gettext_lazy("You belong to several enterprises: name the filer in agentCode."),
}


@dataclass
class MasterBillImport:
    sheet: Sheet | None = None
    errors: list[CellError] = field(default_factory=list)
    statuses: dict[tuple[str, int], str] = field(default_factory=dict)
    bills: list[int] = field(default_factory=list)  # the master bills stored (ids)


def _message(code: str, **params) -> str:
    return str(MESSAGES[code]) % params


def _label(key: str) -> str:
    column = next(c for c in MASTER_BILL_COLUMNS if c.key == key)
    return f"{column.label} ({column.key})"


class _Bills:
    def __init__(self, *, user, sheet: Sheet, result: MasterBillImport):
        self.user = user
        self.sheet = sheet
        self.result = result
        self.agents = list(master_bill_agents_for_user(user=user))

    def error(self, row: Row, key: str, code: str, message: str) -> None:
        self.result.errors.append(CellError(self.sheet.name, row.number, key, code, message))

    def _cells(self, bill: BillRows) -> bool:
        """Required and readable cells; the head's cells the same on every row of the bill."""
        ok = True
        for row in bill.rows:
            keys = _REQUIRED if row is bill.head else ("invtNo", "logisticsNo")
            for key in keys:
                value = row.values.get(key)
                if value in (None, ""):
                    self.error(row, key, "MBI_REQUIRED", _message("MBI_REQUIRED", column=_label(key)))
                    ok = False
            for key, value in row.values.items():
                if isinstance(value, str) and key in ("grossWeight", "packNo") and value:
                    self.error(
                        row,
                        key,
                        "MBI_NOT_A_VALUE",
                        _message("MBI_NOT_A_VALUE", column=_label(key), value=value),
                    )
                    ok = False
            if row is bill.head:
                continue
            for key in HEAD_KEYS:
                value, first = row.values.get(key), bill.head.values.get(key)
                if value not in (None, "") and value != first:
                    self.error(
                        row,
                        key,
                        "MBI_HEAD_DIFFERS",
                        _message("MBI_HEAD_DIFFERS", bill_no=bill.bill_no, column=_label(key), first=first),
                    )
                    ok = False
        return ok

    def _agent(self, head: Row):
        code = str(head.values.get("agentCode") or "")
        if code:
            found = [a for a in self.agents if code in (a.customs_code, a.uscc)]
            if not found:
                self.error(head, "agentCode", "MBI_AGENT_UNKNOWN", _message("MBI_AGENT_UNKNOWN", value=code))
                return None
            return found[0]
        if len(self.agents) == 1:
            return self.agents[0]
        self.error(head, "agentCode", "MBI_AGENT_REQUIRED", _message("MBI_AGENT_REQUIRED"))
        return None

    def _lists(self, bill: BillRows) -> list | None:
        numbers = [str(row.values.get("invtNo") or "") for row in bill.rows]
        found = {d.invt_no: d for d in declarations_for_user(user=self.user).filter(invt_no__in=numbers)}
        lists, seen, ok = [], set(), True
        for row, number in zip(bill.rows, numbers, strict=True):
            if not number:  # reported as required
                ok = False
                continue
            declaration = found.get(number)
            if declaration is None:
                self.error(row, "invtNo", "MBI_LIST_UNKNOWN", _message("MBI_LIST_UNKNOWN", invt_no=number))
                ok = False
                continue
            if number in seen:
                message = _message("MBI_LIST_TWICE", invt_no=number, bill_no=bill.bill_no)
                self.error(row, "invtNo", "MBI_LIST_TWICE", message)
                ok = False
                continue
            seen.add(number)
            waybill = str(row.values.get("logisticsNo") or "")
            if waybill != declaration.logistics_no:
                message = _message(
                    "MBI_WAYBILL_MISMATCH", invt_no=number, expected=declaration.logistics_no, found=waybill
                )
                self.error(row, "logisticsNo", "MBI_WAYBILL_MISMATCH", message)
                ok = False
            lists.append(declaration)
        return lists if ok else None

    def _head(self, bill: BillRows, lists: list) -> dict:
        head = {k: v for k, v in master_bill_defaults(declarations=lists).items() if k in HEAD_FIELDS}
        for key, attr in _ATTR.items():
            value = bill.head.values.get(key)
            if value not in (None, ""):
                head[attr] = value
        for name in HEAD_FIELDS:
            head.setdefault(name, None if name in ("gross_weight", "pack_no") else "")
        return head

    def _findings(self, bill: BillRows, findings: list[Finding]) -> None:
        keys = {c.key for c in MASTER_BILL_COLUMNS}
        for finding in findings:
            if not finding.is_error:
                continue
            key = _FINDING_COLUMN.get(finding.field, finding.field if finding.field in keys else "billNo")
            row = (
                bill.rows[finding.gnum - 1] if finding.gnum and finding.gnum <= len(bill.rows) else bill.head
            )
            self.result.errors.append(
                CellError(self.sheet.name, row.number, key, finding.code, finding.message)
            )

    def run(self, *, store: bool, submit: bool) -> None:
        for bill in bills_of(self.sheet):
            cells_ok = self._cells(bill)  # every problem of the bill is reported, not only the first
            agent = self._agent(bill.head)
            lists = self._lists(bill)
            if not cells_ok or agent is None or lists is None:
                continue
            head = self._head(bill, lists)
            findings = master_bill_check(head=head, declarations=lists)
            if any(f.is_error for f in findings):
                self._findings(bill, findings)
                continue
            if not store:
                self._status(
                    bill,
                    _("Master bill %(bill_no)s: checked, not stored (dry run).") % {"bill_no": bill.bill_no},
                )
                continue
            try:
                stored = master_bill_create(agent=agent, declarations=lists, head=head, actor=self.user)
                if submit:
                    master_bill_submit(master_bill=stored, actor=self.user)
            except MasterBillBlocked as exc:
                self._findings(bill, exc.findings)
                continue
            self.result.bills.append(stored.pk)
            text = (
                _("Sent to customs as master bill %(cop_no)s.")
                if submit
                else _("Saved as draft master bill %(cop_no)s.")
            )
            self._status(bill, text % {"cop_no": stored.cop_no})

    def _status(self, bill: BillRows, text: str) -> None:
        for row in bill.rows:
            self.result.statuses[(self.sheet.name, row.number)] = text


def master_bill_sheet_import(
    *, user, path, store: bool, submit: bool = False, limits=None, scans=None
) -> MasterBillImport:
    """Read the upload's master bill sheet and file its master bills (``store``: as drafts; ``submit``: sent).
    A workbook without the sheet gives an empty result."""
    sheet = read_master_bill_sheet(path, limits=limits, scans=scans)
    result = MasterBillImport(sheet=sheet if sheet.present else None)
    if sheet.present and sheet.count:
        _Bills(user=user, sheet=sheet, result=result).run(store=store, submit=submit)
    return result


def master_bill_sheet_hook(*, job, path, workbook, outcome) -> None:
    """The import's one call (services/imports.py): file the upload's master bills (as drafts, sent too when the
    job submits; checked only in a dry run), their errors and row statuses into the import's outcome and
    report, their count into its counts."""
    store = not job.dry_run
    result = master_bill_sheet_import(
        user=job.user, path=path, store=store, submit=bool(job.submit) and store, scans=job.sheet_scans
    )
    if result.sheet is None or not result.sheet.count:  # the template's empty sheet: nothing to say
        return
    workbook.extra_sheets = [result.sheet]
    outcome.errors.extend(result.errors)
    outcome.statuses.update(result.statuses)
    outcome.counts["master_bills"] = len(result.bills)

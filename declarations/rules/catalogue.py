"""Every rule code with its severity, message (gettext, %(name)s parameters), meaning and an example.

Codes are stable: they are stored in Declaration.findings, returned by the API and written into the
spreadsheet report, so a code is never renamed or reused; docs/rules.md lists the same table (a test keeps
them in step).
Messages may use the parameter ``label``: the human name of the finding's field in the active language.
"""

from __future__ import annotations

from typing import NamedTuple

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

ERROR = "error"
WARNING = "warning"
SEVERITIES = (ERROR, WARNING)


class RuleSpec(NamedTuple):
    severity: str
    message: Promise
    meaning: str
    example: str


CATALOGUE: dict[str, RuleSpec] = {
    # --- fields.py: XSD-level checks of single values ---
    "REQUIRED": RuleSpec(
        ERROR,
        _("%(label)s is required."),
        "A required CEB element (or the record behind it) is empty.",
        "orderNo empty",
    ),
    "TOO_LONG": RuleSpec(
        ERROR,
        _("%(label)s is too long: %(length)s characters, at most %(max)s are allowed."),
        "Text longer than the XSD maximum (C..n); itemNo allows 20 in the list channel, 30 otherwise.",
        "itemNo of 21 characters in the list channel",
    ),
    "WRONG_LENGTH": RuleSpec(
        ERROR,
        _("%(label)s must have %(expected)s characters; it has %(length)s."),
        "Text of a fixed or bounded length (Cn, Cm..n) has another length.",
        "customsCode 514",
    ),
    "INVALID_CHARACTERS": RuleSpec(
        ERROR,
        _("%(label)s contains control characters that cannot be sent in an XML message."),
        "Text holds characters XML 1.0 forbids (control characters, lone surrogates, U+FFFE/U+FFFF).",
        "gname containing U+0007",
    ),
    "INVALID_IDENTIFIER": RuleSpec(
        ERROR,
        _(
            "%(label)s may hold printable characters only: no line breaks, tabs or control characters, and none "
            "of \" ' < > & \\ `."
        ),
        "A number (copNo, orderNo, logisticsNo, billNo, voyageNo, ...) holds CR, LF, TAB, another non-printable "
        "character or one of \" ' < > & \\ `.",
        "copNo containing a line feed",
    ),
    "INVALID_NUMBER": RuleSpec(
        ERROR,
        _("%(label)s must be a number."),
        "A numeric element holds text, NaN or infinity.",
        "qty = 'ten'",
    ),
    "INVALID_DATE": RuleSpec(
        ERROR,
        _("%(label)s must be a date."),
        "A date element holds something that is not a date.",
        "ieDate = '31/02/2025'",
    ),
    "DECIMAL_PRECISION": RuleSpec(
        ERROR,
        _("%(label)s allows at most %(integer)s digits before and %(fraction)s after the decimal point."),
        "Decimal outside N19,5 (14 integer + 5 fraction digits), or an integer outside int N5 / N9.",
        "price 1.123456",
    ),
    "NEGATIVE_NUMBER": RuleSpec(
        ERROR,
        _("%(label)s must not be negative."),
        "A quantity, price, amount or weight is below zero.",
        "freight -1",
    ),
    "NOT_POSITIVE": RuleSpec(
        ERROR,
        _("%(label)s must be greater than zero."),
        "Quantities, package count, line number and weights must be above zero.",
        "grossWeight 0",
    ),
    "NO_LINES": RuleSpec(
        ERROR,
        _("A declaration needs at least one goods line."),
        "OrderList / InventoryList need at least one line.",
        "a declaration without lines",
    ),
    "TOO_MANY_LINES": RuleSpec(
        ERROR,
        _(
            "A declaration holds at most %(max)s goods lines; this one has %(count)s. "
            "Split it into several declarations."
        ),
        "More than 100 lines (XSD maxOccurs of OrderList / InventoryList).",
        "101 lines",
    ),
    "GNUM_SEQUENCE": RuleSpec(
        ERROR,
        _(
            "Line numbers must run 1, 2, 3 … without gaps or repeats; "
            "line number %(expected)s was expected here."
        ),
        "gnum is not the consecutive sequence 1..n (the first break is reported).",
        "lines numbered 1, 3",
    ),
    # --- identifiers.py ---
    "INVALID_USCC": RuleSpec(
        ERROR,
        _(
            "%(value)s is not a valid unified social credit code "
            "(18 characters with a correct check character)."
        ),
        "An 18-character code fails the GB 32100-2015 alphabet or check character.",
        "91440300MA5F000182",
    ),
    "INVALID_ENTERPRISE_CODE": RuleSpec(
        ERROR,
        _(
            "%(value)s is neither a 10-character customs registration code "
            "nor an 18-character unified social credit code."
        ),
        "An enterprise code is not [0-9A-Z]{10} or a valid USCC (无 allowed for ebpCode, NO for ownerCode).",
        "logisticsCode 4401-980",
    ),
    # --- codes.py: code-table membership ---
    "UNKNOWN_CUSTOMS_OFFICE": RuleSpec(
        ERROR,
        _("%(value)s is not a known customs office code."),
        "customsCode / portCode not in the customs office table.",
        "customsCode 9999",
    ),
    "UNKNOWN_COUNTRY": RuleSpec(
        ERROR,
        _("%(value)s is not a declarable country or region code."),
        "country not in the country table, or a continent heading.",
        "country 100 (Asia)",
    ),
    "UNKNOWN_CURRENCY": RuleSpec(
        ERROR,
        _("%(value)s is not a known currency code."),
        "currency not in the customs (numeric) currency table.",
        "currency USD instead of 502",
    ),
    "UNKNOWN_UNIT": RuleSpec(
        ERROR,
        _("%(value)s is not a known unit of measure."),
        "unit / unit1 / unit2 not in the unit table.",
        "unit 999",
    ),
    "UNKNOWN_TRANSPORT_MODE": RuleSpec(
        ERROR,
        _("%(value)s is not a known transport mode."),
        "trafMode not in the transport mode table.",
        "trafMode Q",
    ),
    "UNKNOWN_PACKING_TYPE": RuleSpec(
        ERROR,
        _("%(value)s is not a known packing type (one digit, CEB set)."),
        "wrapType not in the 1-digit CEB packing set.",
        "wrapType 9",
    ),
    "UNKNOWN_TRADE_MODE": RuleSpec(
        ERROR,
        _("%(value)s is not a B2B export mode: use 9710 or 9810."),
        "The supervision mode (tradeMode) is neither 9710 nor 9810.",
        "tradeMode 9610",
    ),
    "HS_CODE_FORMAT": RuleSpec(
        ERROR,
        _("HS code %(value)s must have 10 digits (or 6 digits for a simplified declaration)."),
        "gcode is not 10 digits or 6 digits.",
        "gcode 9617.00",
    ),
    "HS_NOT_IN_HS2022": RuleSpec(
        WARNING,
        _("HS subheading %(subheading)s is not in the HS 2022 nomenclature; check the code."),
        "The first 6 digits of gcode are not an HS 2022 subheading.",
        "gcode 9999001100",
    ),
    # --- amounts.py ---
    "TOTAL_PRICE_MISMATCH": RuleSpec(
        ERROR,
        _("Total price %(total)s does not equal quantity × unit price = %(expected)s."),
        "totalPrice differs from qty × price rounded half-up to 5 decimals.",
        "qty 3, price 2.5, totalPrice 7",
    ),
    "NET_GT_GROSS": RuleSpec(
        ERROR,
        _("Net weight %(net)s kg exceeds gross weight %(gross)s kg."),
        "netWeight is greater than grossWeight.",
        "gross 10, net 12",
    ),
    "CURRENCY_MISMATCH": RuleSpec(
        ERROR,
        _("Line currency %(value)s differs from the declaration currency %(expected)s."),
        "A line's currency is not the head currency, so goodsValue and the value test cannot be computed.",
        "head 502, line 142",
    ),
    "GOODS_VALUE_MISMATCH": RuleSpec(
        ERROR,
        _("Goods value %(value)s does not equal the sum of the line totals %(expected)s."),
        "A message's goodsValue differs from the sum of its line totalPrice (received or paired messages).",
        "goodsValue 100, lines 60 + 50",
    ),
    "EXCHANGE_RATE_MISSING": RuleSpec(
        ERROR,
        _(
            "No customs exchange rate for currency %(currency)s in %(month)s: an administrator must enter "
            "it before the value can be checked against the list-channel limit."
        ),
        "The value test needs the declaration month's rate (submitted, else today in China) and none is stored.",
        "USD, 2025-06, no rate",
    ),
    "LIST_VALUE_OVER_LIMIT": RuleSpec(
        ERROR,
        _(
            "The goods value is %(conversion)s, above the inventory-list limit of %(limit)s CNY: "
            "declare with a customs declaration."
        ),
        "Explicit list channel while Σ totalPrice in CNY exceeds LIST_CHANNEL_LIMIT_CNY; the message shows "
        "the rate and month used.",
        "800 USD × 7.10 (2026-12) = 5,680.00 CNY",
    ),
    "LIST_VALUE_NEAR_LIMIT": RuleSpec(
        WARNING,
        _(
            "The goods value of %(conversion)s is within %(percent)s%% of the %(limit)s CNY "
            "inventory-list limit; customs may convert at another rate, so confirm the value before "
            "using the list channel."
        ),
        "List channel with a value above 95% of the limit (the rate customs applies is unverified).",
        "4900 CNY",
    ),
    # --- channel.py: list-channel eligibility ---
    "LIST_NEEDS_LICENCE": RuleSpec(
        ERROR,
        _(
            "Line %(gnum)s needs a licence, so the inventory list channel cannot be used: "
            "declare with a customs declaration."
        ),
        "Explicit list channel with a line that needs a licence (涉证).",
        "licence ticked on line 2",
    ),
    "LIST_NEEDS_INSPECTION": RuleSpec(
        ERROR,
        _(
            "Line %(gnum)s needs inspection, so the inventory list channel cannot be used: "
            "declare with a customs declaration."
        ),
        "Explicit list channel with a line subject to inspection (涉检).",
        "inspection ticked on line 1",
    ),
    "LIST_TAXABLE": RuleSpec(
        ERROR,
        _(
            "Line %(gnum)s involves export duty or a tax refund, so the inventory list channel "
            "cannot be used: declare with a customs declaration."
        ),
        "Explicit list channel with a line involving export duty or VAT refund (涉税).",
        "tax ticked on line 1",
    ),
    "HS_SIX_DIGIT_NOT_ALLOWED": RuleSpec(
        ERROR,
        _(
            "HS code %(value)s has 6 digits; 6-digit codes are accepted only in the inventory list "
            "channel at a customs office in a comprehensive pilot zone (office %(office)s). "
            "Enter the 10-digit code."
        ),
        "6-digit gcode outside the list channel, or at an office without the pilot-zone flag.",
        "961700 with a customs declaration",
    ),
    # --- consistency.py: other records and paired messages ---
    "ORDER_TYPE_MODE_MISMATCH": RuleSpec(
        ERROR,
        _(
            "Order type %(order_type)s does not match trade mode %(trade_mode)s "
            "(B goes with 9710, W with 9810)."
        ),
        "orderType of a CEB303 and tradeMode of the CEB603 / declaration do not pair (B↔9710, W↔9810).",
        "orderType W with 9710",
    ),
    "WAREHOUSE_REQUIRED": RuleSpec(
        ERROR,
        _("A 9810 declaration must name an overseas warehouse."),
        "9810 without an overseas warehouse.",
        "9810, warehouse empty",
    ),
    "WAREHOUSE_FILING_NOT_APPROVED": RuleSpec(
        ERROR,
        _("The overseas warehouse %(warehouse)s has no approved filing."),
        "9810 warehouse without an approved filing while REQUIRE_WAREHOUSE_FILING is on.",
        "filing still submitted",
    ),
    "REGISTRATION_MISSING": RuleSpec(
        ERROR,
        _(
            "%(enterprise)s has no approved registration as an e-commerce enterprise (exporter) "
            "at customs office %(office)s."
        ),
        "The exporter has no approved Registration (role exporter) at the declaring office.",
        "registered at 5100, declaring at 5141",
    ),
    "DUPLICATE_ORDER_NO": RuleSpec(
        ERROR,
        _("Order number %(value)s is already used for platform %(platform)s."),
        "Another declaration has the same orderNo on the same platform (ebpCode + ebpName; 9810: warehouse).",
        "B2B-ORDER-000001 twice on one platform",
    ),
    "DUPLICATE_WAYBILL": RuleSpec(
        ERROR,
        _("Waybill number %(value)s is already used by logistics enterprise %(logistics)s."),
        "Another declaration has the same logisticsNo for the same logisticsCode (within 6 months).",
        "SF0000000001 twice",
    ),
    "DUPLICATE_COP_NO": RuleSpec(
        ERROR,
        _("Enterprise document number %(value)s is already used by this declaring agent."),
        "Another declaration of the same agent has the same copNo.",
        "COP00000001 twice",
    ),
    "LINE_MISMATCH": RuleSpec(
        ERROR,
        _("Line %(gnum)s: %(label)s is %(list_value)s in the list but %(order_value)s in the order."),
        "An order line and the list line with the same gnum differ in itemNo, qty, price or totalPrice.",
        "order qty 100, list qty 90",
    ),
    "LINE_MISSING": RuleSpec(
        ERROR,
        _("Line %(gnum)s appears in only one of the order and the inventory list."),
        "A gnum present in the order lines but not the list lines, or the reverse.",
        "order has lines 1-3, list 1-2",
    ),
    # --- tariff.py: the national tariff's legal units ---
    "TARIFF_UNIT_MISMATCH": RuleSpec(
        ERROR,
        _(
            "%(label)s is %(value)s, but the tariff's legal unit for %(code)s is %(expected)s: "
            "declare the legal quantity in the tariff's unit."
        ),
        "unit1 / unit2 differs from the legal unit the loaded tariff gives for the line's 10-digit code.",
        "8518300000 with unit1 035 (tariff: 007)",
    ),
    # --- warnings on goods data ---
    "BARCODE_CHECK_DIGIT": RuleSpec(
        WARNING,
        _(
            "Barcode %(value)s looks like a GTIN (EAN/UPC) but its check digit is wrong; "
            "enter it as printed, or 无."
        ),
        "An all-digit barCode of 8, 12, 13 or 14 digits fails the GS1 check digit.",
        "6901234567891",
    ),
    # --- master_bill.py: the master bill (清单总分单, CEB607) over its lists ---
    "MB_NO_LISTS": RuleSpec(
        ERROR,
        _("Select at least one inventory list for the master bill."),
        "A master bill (CEB607) names no list.",
        "no list ticked",
    ),
    "MB_LIST_NOT_DECLARED": RuleSpec(
        ERROR,
        _(
            "List %(cop_no)s cannot go on a master bill: only a declared inventory list with a list number "
            "(invtNo) can."
        ),
        "A master bill's list is not in the list channel, has no invtNo yet, or was rejected or cancelled.",
        "a draft, or a list before its CEB604",
    ),
    "MB_OTHER_OFFICE": RuleSpec(
        ERROR,
        _("List %(cop_no)s was declared at customs office %(found)s; this master bill is for %(expected)s."),
        "The lists of one master bill share the declaring office (customsCode).",
        "lists at 5141 and 5208",
    ),
    "MB_OTHER_LOGISTICS": RuleSpec(
        ERROR,
        _(
            "List %(cop_no)s is carried by %(found)s; this master bill's logistics enterprise is %(expected)s."
        ),
        "The lists of one master bill share the logistics enterprise (logisticsCode).",
        "two carriers",
    ),
    "MB_LIST_ON_OTHER_BILL": RuleSpec(
        ERROR,
        _("List %(cop_no)s is already on master bill %(bill_no)s."),
        "A list is on at most one master bill that customs has not rejected.",
        "the same list filed twice",
    ),
    "MB_GROSS_WEIGHT_BELOW_LISTS": RuleSpec(
        ERROR,
        _(
            "The gross weight %(weight)s kg is %(difference)s kg below the total gross weight of the lists "
            "(%(total)s kg)."
        ),
        "A master bill's grossWeight must not be below the sum of its lists' gross weights.",
        "100 kg for lists of 60 + 70 kg",
    ),
    # --- copies.py: a copied declaration keeps its source's numbers until the user changes them ---
    "COPY_ORDER_NO_UNCHANGED": RuleSpec(
        ERROR,
        _(
            "This declaration is a copy of %(source)s: enter its own order / booking number "
            "(%(value)s is the copy's placeholder or the source's number)."
        ),
        "A copy still carries the placeholder order number (source + -COPY) or the source's own orderNo.",
        "copy of ORDER-1 with orderNo ORDER-1-COPY",
    ),
    "COPY_WAYBILL_UNCHANGED": RuleSpec(
        ERROR,
        _("This declaration is a copy of %(source)s: enter the waybill number of this shipment."),
        "A copy whose source had a logisticsNo has none, or the source's one.",
        "copy of a declaration with waybill SF1, logisticsNo empty",
    ),
    # --- code tables as customs applies them (codes.py, consistency.py, calendar.py) ---
    "CURRENCY_INACTIVE": RuleSpec(
        ERROR,
        _(
            "Currency %(value)s is obsolete (kept for history only); customs refuses it on new declarations: "
            "choose a current currency."
        ),
        "currency is in the table but inactive (the pre-euro currencies); on a line only when it differs "
        "from the head's.",
        "currency 304 (DEM)",
    ),
    "COUNTRY_NOT_DESTINATION": RuleSpec(
        ERROR,
        _(
            "%(value)s cannot be the destination country: goods must go to a real country or territory, not "
            "China, an unknown country, an international organisation or neutral packaging."
        ),
        "The head's country (运抵国, destination / arrival) is 142 China, 701, 702 or 999; a goods line's "
        "country keeps what the table allows (142 included).",
        "country 142",
    ),
    "CUSTOMS_OFFICE_NOT_DECLARABLE": RuleSpec(
        ERROR,
        _(
            "%(value)s is the customs headquarters or a directorate heading, not an office where goods are "
            "declared: choose the customs office itself."
        ),
        "customsCode / portCode is 0000 (海关总署) or a directorate heading (xx00).",
        "portCode 5300",
    ),
    "WAREHOUSE_COUNTRY_MISMATCH": RuleSpec(
        WARNING,
        _(
            "The destination country %(value)s differs from the country %(warehouse_country)s of the overseas "
            "warehouse %(warehouse)s: check that the goods go to that warehouse."
        ),
        "9810: the head's country differs from the booked overseas warehouse's country.",
        "country 502, warehouse in 303",
    ),
    "INVALID_CALENDAR_DATE": RuleSpec(
        ERROR,
        _("%(element)s %(value)s is not a real calendar date and time (%(format)s)."),
        "A date or time element of a message (ieDate, appTime …) has the right length but no such date "
        "exists (month 13, 31 April, hour 24).",
        "ieDate 20261305",
    ),
}


def spec(code: str) -> RuleSpec | None:
    return CATALOGUE.get(code)


def markdown_table() -> str:
    """The catalogue as the table in docs/rules.md (regenerate the doc from this when a rule changes)."""
    rows = ["| code | severity | meaning | example |", "|---|---|---|---|"]
    for code, rule in CATALOGUE.items():
        rows.append(f"| `{code}` | {rule.severity} | {rule.meaning} | {rule.example} |")
    return "\n".join(rows)

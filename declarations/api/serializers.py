"""API serializers. Declarations use the CEB element names (customsCode, grossWeight, ...) as keys, like the
spreadsheet template and the findings, so one name points to one thing everywhere."""

import os

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from declarations import models as m
from declarations.choices import Channel
from declarations.code_labels import code_name, receipt_status_name
from declarations.identifiers import validate_identifier_characters
from declarations.models import CEB_HEAD_FIELDS, CEB_LINE_FIELDS
from declarations.rules.fields import IDENTIFIER_ATTRS, MAX_LINES
from declarations.rules.finding import Finding


class CebNamedModelSerializer(serializers.ModelSerializer):
    """ModelSerializer whose model fields are exposed under their CEB element names (``ceb_names``)."""

    ceb_names: dict[str, str] = {}

    def get_fields(self):
        fields = super().get_fields()
        for ceb, attr in self.ceb_names.items():
            if ceb == attr or attr not in fields:
                continue
            field = fields.pop(attr)
            field.source = attr
            fields[ceb] = field
        return fields


@extend_schema_field(OpenApiTypes.STR)
class CodeNameField(serializers.Field):
    """Read-only: the name of the code in ``source`` from one code table, in the request's language ("" when
    the code is empty or unknown)."""

    def __init__(self, table: str, **kwargs):
        self.table = table
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return code_name(self.table, value)


@extend_schema_field(OpenApiTypes.STR)
class ReceiptStatusNameField(serializers.Field):
    """Read-only: the name of a receipt's returnStatus in the request's language ("" when unknown)."""

    def __init__(self, **kwargs):
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value):
        return receipt_status_name(value)


class CodeNamesMixin:
    """Adds ``<element>Name`` beside each coded element (``code_names``: output key -> (model field, table)),
    after the existing keys: additive, the codes themselves are unchanged."""

    code_names: dict[str, tuple[str, str]] = {}

    def get_fields(self):
        fields = super().get_fields()
        for key, (attr, table) in self.code_names.items():
            fields[key] = CodeNameField(table, source=attr)
        return fields


class EnterpriseSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.Enterprise
        fields = [
            "id",
            "name",
            "name_en",
            "uscc",
            "customs_code",
            "is_exporter",
            "is_platform",
            "is_logistics",
            "is_broker",
            "is_site_operator",
            "home_office",
        ]
        read_only_fields = fields


class WarehouseSerializer(CodeNamesMixin, serializers.ModelSerializer):
    filing_status = serializers.SerializerMethodField()
    code_names = {"countryName": ("country_id", "country")}

    class Meta:
        model = m.OverseasWarehouse
        fields = [
            "id",
            "enterprise",
            "name",
            "country",
            "address",
            "ownership",
            "lease_start",
            "lease_end",
            "platform_name",
            "area_m2",
            "filing_status",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_filing_status(self, obj) -> str | None:
        filing = obj.filings.order_by("-created_at", "-id").first()
        return filing.status if filing else None


class WarehouseDocumentSerializer(serializers.ModelSerializer):
    # Uploaded files are private: the API points at its own permission-checked download, never at a media path.
    file_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = m.WarehouseDocument
        fields = ["id", "doc_type", "file_name", "download_url", "uploaded_at"]
        read_only_fields = fields

    def get_file_name(self, obj) -> str:
        return os.path.basename(obj.file.name or "")

    def get_download_url(self, obj) -> str:
        url = reverse("api-filing-document", kwargs={"pk": obj.filing_id, "document_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class WarehouseFilingSerializer(serializers.ModelSerializer):
    documents = WarehouseDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = m.WarehouseFiling
        fields = ["id", "warehouse", "status", "reason", "submitted_at", "reviewed_at", "documents"]
        read_only_fields = fields


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.CharField()
    field = serializers.CharField(allow_blank=True)
    gnum = serializers.IntegerField(allow_null=True)
    message = serializers.CharField()
    params = serializers.DictField()

    def to_representation(self, instance):
        from declarations.rules.finding import Finding

        finding = instance if isinstance(instance, Finding) else Finding.from_dict(instance)
        return {**finding.as_dict(), "message": finding.message}


class DeclarationLineListSerializer(serializers.ListSerializer):
    """Refuses more than MAX_LINES lines before validating any: such a declaration can never be sent, so
    nothing of it is stored (and a huge list costs no per-line work)."""

    def to_internal_value(self, data):
        if isinstance(data, list) and len(data) > MAX_LINES:
            finding = Finding.of("TOO_MANY_LINES", "lines", max=MAX_LINES, count=len(data))
            raise serializers.ValidationError(finding.message, code="TOO_MANY_LINES")
        return super().to_internal_value(data)


class DeclarationLineSerializer(CodeNamesMixin, CebNamedModelSerializer):
    ceb_names = CEB_LINE_FIELDS
    code_names = {
        "countryName": ("country", "country"),
        "currencyName": ("currency", "currency"),
        "unitName": ("unit", "unit"),
        "unit1Name": ("unit1", "unit"),
        "unit2Name": ("unit2", "unit"),
    }

    class Meta:
        model = m.DeclarationLine
        fields = [*CEB_LINE_FIELDS.values(), "licence", "inspection", "tax"]
        read_only_fields = ["gnum"]  # lines are renumbered from 1 on every save
        list_serializer_class = DeclarationLineListSerializer


class DeclarationSerializer(CodeNamesMixin, CebNamedModelSerializer):
    """A declaration with its goods lines; writing replaces the lines as a whole."""

    ceb_names = CEB_HEAD_FIELDS
    code_names = {
        "customsCodeName": ("customs_code", "office"),
        "portCodeName": ("port_code", "office"),
        "trafModeName": ("traf_mode", "transport"),
        "countryName": ("country", "country"),
        "currencyName": ("currency", "currency"),
        "wrapTypeName": ("wrap_type", "packing"),
    }
    lines = DeclarationLineSerializer(many=True, required=True, allow_empty=True)
    lastReturnStatusName = ReceiptStatusNameField(source="last_return_status")
    # Empty until the rules engine has run; declared here because a read-only model field loses allow_blank
    # and the schema would then refuse "".
    recommended_channel = serializers.ChoiceField(choices=Channel.choices, allow_blank=True, read_only=True)
    findings = FindingSerializer(many=True, read_only=True)

    class Meta:
        model = m.Declaration
        fields = [
            "id",
            "mode",
            "channel",
            "recommended_channel",
            "status",
            "enterprise",
            "agent",
            "warehouse",
            "site_operator",
            *CEB_HEAD_FIELDS.values(),
            "version",
            "pre_no",
            "invt_no",
            "last_return_status",
            "last_return_info",
            "lastReturnStatusName",
            "created_at",
            "updated_at",
            "submitted_at",
            "findings",
            "lines",
        ]
        read_only_fields = [
            "recommended_channel",
            "status",
            "version",
            "pre_no",
            "invt_no",
            "last_return_status",
            "last_return_info",
            "created_at",
            "updated_at",
            "submitted_at",
        ]
        # copNo is unique per agent: the service numbers an empty one, the view reports a clash.
        validators: list = []
        extra_kwargs = {
            "agent": {"required": False, "allow_null": True},
            "cop_no": {"required": False, "allow_blank": True},
            # A draft may hold a wrong code and show a finding, but must fit the column.
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def get_fields(self):
        fields = super().get_fields()
        user = self.user or getattr(self.context.get("request"), "user", None)
        if user is not None:
            # Only the user's own enterprises (and delegating exporters) can be named; others do not exist.
            from declarations import selectors

            enterprises = selectors.enterprises_for_user(user=user)
            fields["enterprise"].queryset = enterprises
            fields["agent"].queryset = enterprises
            fields["warehouse"].queryset = selectors.warehouses_for_user(user=user)
        for (
            field
        ) in fields.values():  # copNo, orderNo, waybill...: the one character rule, as the portal form
            if field.source in IDENTIFIER_ATTRS and not field.read_only:
                field.validators.append(validate_identifier_characters)
        return fields

    def validate(self, attrs):
        enterprise = attrs.get("enterprise") or getattr(self.instance, "enterprise", None)
        warehouse = attrs.get("warehouse", getattr(self.instance, "warehouse", None))
        if warehouse is not None and enterprise is not None and warehouse.enterprise_id != enterprise.pk:
            raise serializers.ValidationError(
                {"warehouse": [_("The overseas warehouse belongs to another enterprise.")]}, code="invalid"
            )
        return attrs


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000)


class ReviewSubmitSerializer(serializers.Serializer):
    """Empty body: submitting a filing takes no input."""


class ValidationResultSerializer(serializers.Serializer):
    findings = FindingSerializer(many=True)
    recommendedChannel = serializers.CharField(allow_blank=True)  # noqa: N815 (CEB-style key)
    channelReason = serializers.CharField(allow_blank=True)  # noqa: N815


class RenderedMessageSerializer(serializers.ModelSerializer):
    file_name = serializers.CharField(read_only=True)

    class Meta:
        model = m.RenderedMessage
        fields = [
            "id",
            "declaration",
            "message_type",
            "version",
            "guid",
            "sha256",
            "signed",
            "file_name",
            "written_at",
            "created_at",
        ]
        read_only_fields = fields


class ReceiptSerializer(serializers.ModelSerializer):
    returnStatusName = ReceiptStatusNameField(source="return_status")

    class Meta:
        model = m.Receipt
        fields = [
            "id",
            "declaration",
            "receipt_type",
            "state",
            "guid",
            "keys",
            "return_status",
            "returnStatusName",
            "return_time",
            "return_info",
            "received_at",
        ]
        read_only_fields = fields


def code_table_serializer(model):
    """A read-only serializer of every concrete field of a code table."""
    meta = type("Meta", (), {"model": model, "fields": "__all__", "read_only_fields": ()})
    return type(f"{model.__name__}Serializer", (serializers.ModelSerializer,), {"Meta": meta})


class ExchangeRateSerializer(serializers.ModelSerializer):
    class Meta:
        model = m.ExchangeRate
        fields = ["id", "currency", "month", "rate"]
        read_only_fields = fields


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()


class ErrorItemSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()
    field = serializers.CharField(allow_null=True)
    gnum = serializers.IntegerField(allow_null=True)


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    errors = ErrorItemSerializer(many=True)


# --- spreadsheet imports ---------------------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.BINARY)
class UploadFileField(serializers.FileField):
    """A file part of a multipart request: binary in the schema (a response FileField would be a URL)."""


class ImportUploadSerializer(serializers.Serializer):
    """A workbook filled from the template; a dry run (the default, as in the portal) stores nothing."""

    file = UploadFileField(help_text="The workbook (.xlsx) filled from the template.")
    dry_run = serializers.BooleanField(
        default=True, help_text="Check and count only; confirm the job afterwards to store."
    )
    submit = serializers.BooleanField(
        default=False,
        help_text="Also submit the declarations it stores: rendered, checked and written to the outbox.",
    )


class ImportConfirmSerializer(serializers.Serializer):
    submit = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="Submit as well; omitted keeps the upload's choice.",
    )


class ImportCountsSerializer(serializers.Serializer):
    """What the job did (or, for a dry run, would do); zeros until the job has finished."""

    create = serializers.IntegerField()
    update = serializers.IntegerField()
    reject = serializers.IntegerField()
    kept = serializers.IntegerField(
        help_text="Rows an earlier run had stored (and submitted) already, kept as they are (ALREADY_STORED)."
    )
    declarations = serializers.IntegerField()
    lines = serializers.IntegerField()
    errors = serializers.IntegerField()
    warnings = serializers.IntegerField()
    submitted = serializers.IntegerField(help_text="Moved to submitted (a job with submit).")
    sent = serializers.IntegerField(help_text="Rendered, stored and written to the outbox.")
    render_failed = serializers.IntegerField(help_text="Submitted but could not be rendered.")
    unknown_columns = serializers.ListField(child=serializers.CharField())

    def to_representation(self, instance):
        counts = instance or {}
        data = {name: int(counts.get(name) or 0) for name in self.fields if name != "unknown_columns"}
        data["unknown_columns"] = [str(text) for text in counts.get("unknown_columns") or []]
        return data


class ImportJobSerializer(serializers.ModelSerializer):
    counts = ImportCountsSerializer(read_only=True)
    timings = serializers.DictField(
        child=serializers.FloatField(),
        read_only=True,
        help_text="Seconds per phase (render_peak_rss_mb: the largest render process, in MB).",
    )
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = m.ImportJob
        fields = [
            "id",
            "file_name",
            "dry_run",
            "submit",
            "state",
            "rows_total",
            "rows_done",
            "counts",
            "timings",
            "error_message",
            "report_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_report_url(self, obj) -> str | None:
        """The annotated error workbook, when the job found errors or warnings."""
        if not obj.report:
            return None
        from django.urls import reverse

        url = reverse("api-import-report", args=[obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request is not None else url

"""REST API views: thin; reads through selectors (tenant-scoped), changes through services."""

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.db.models import IntegerField, ProtectedError, Q
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.throttling import SimpleRateThrottle

from declarations import models as m
from declarations import selectors
from declarations.api import serializers as s
from declarations.api.errors import api_exception_handler, error, error_response, findings_errors
from declarations.api.parsers import BoundedJSONParser
from declarations.choices import ImportState
from declarations.permissions import (
    require_declaration_change,
    require_declaration_within_delegation,
    require_filing_submit,
)
from declarations.search import SearchQuery, search_query, too_long_message
from declarations.services import filings as filing_services
from declarations.services.declarations import (
    DeclarationNotEditable,
    declaration_delete,
    declaration_save,
    declaration_validate,
)
from declarations.services.imports import ImportRejected, import_job_confirm, import_job_create
from declarations.services.submission import SubmissionBlocked, declaration_cancel, declaration_submit
from declarations.views.common import attachment_header, private_file_response


class ApiAutoSchema(AutoSchema):
    """Documents the one error shape on every operation, so clients (and schemathesis) can rely on it."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        codes = ["401", "403", "404"]
        if self.method in ("POST", "PUT", "PATCH") or self._is_list_view():
            codes.append("400")
        if self.method in ("POST", "PUT", "PATCH", "DELETE"):
            codes.append("409")
        if self.method in ("POST", "PUT", "PATCH") and self.get_request_serializer() is not None:
            codes.append("415")  # a body in a media type the operation does not take
            codes.append("413")  # a body over DATA_UPLOAD_MAX_MEMORY_SIZE (declarations.api.parsers)
        if getattr(self.view, "throttle_classes", None):
            codes.append("429")
        for code in codes:
            if code not in responses:
                responses[code] = self._get_response_for_code(s.ErrorSerializer, code)
        return responses


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 200


class ApiMixin:
    """Common to every API view: the error shape, pagination, the schema, and remembering the serializer for
    error pointers."""

    schema = ApiAutoSchema()
    pagination_class = Pagination
    _api_serializer = None

    def get_exception_handler(self):
        return api_exception_handler

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        self._api_serializer = serializer
        return serializer

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # PostgreSQL refuses NUL in text (a 500 otherwise); request bodies are checked by the serializers.
        for name, values in request.query_params.lists():
            if any("\x00" in value for value in values):
                raise ValidationError(
                    {name: [_("Null characters are not allowed.")]}, code="null_characters_not_allowed"
                )

    def int_param(self, name: str) -> int | None:
        value = self.request.query_params.get(name)
        if value in (None, ""):
            return None
        try:
            return int(value)
        except ValueError:
            raise ValidationError({name: [_("Enter a whole number.")]}, code="invalid") from None


def _int(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.INT, description=description)


def _str(name: str, description: str, enum=None) -> OpenApiParameter:
    return OpenApiParameter(name, OpenApiTypes.STR, description=description, enum=enum)


@csrf_exempt  # a POST to an unknown URL is a 404, not a CSRF failure page
def api_not_found(request, *args, **kwargs):
    """An unknown /api/ URL (or an id the route does not accept, e.g. ``1.5``) answers in the API's error
    shape, not with Django's HTML page, as the schema documents for every 404."""
    return JsonResponse(
        {"errors": [error("NOT_FOUND", exceptions.NotFound.default_detail)]}, status=status.HTTP_404_NOT_FOUND
    )


# --- authentication -----------------------------------------------------------------------------------------


class TokenObtainThrottle(SimpleRateThrottle):
    """Password guessing through the API: at most ``API_TOKEN_THROTTLE_RATE`` token requests per client IP."""

    scope = "api-token"

    def get_rate(self):
        # Read per request rather than at import, so a deployment (or a test) can change it in settings.
        return settings.API_TOKEN_THROTTLE_RATE

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenObtainView(ObtainAuthToken):
    """Exchange username and password for the API token (send it as ``Authorization: Token <key>``)."""

    schema = ApiAutoSchema()
    throttle_classes = [TokenObtainThrottle]
    parser_classes = [FormParser, MultiPartParser, BoundedJSONParser]

    def get_exception_handler(self):
        return api_exception_handler

    @extend_schema(request=AuthTokenSerializer, responses={200: s.TokenSerializer})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)


# --- enterprises, warehouses, filings --------------------------------------------------------------------------


class EnterpriseViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """The user's enterprises and the exporters that delegated to its broker."""

    serializer_class = s.EnterpriseSerializer

    def get_queryset(self):
        return selectors.enterprises_for_user(user=self.request.user).order_by("name", "pk")


@extend_schema_view(list=extend_schema(parameters=[_int("enterprise", "Only this enterprise's warehouses.")]))
class WarehouseViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.WarehouseSerializer

    def get_queryset(self):
        qs = selectors.warehouses_for_user(user=self.request.user).order_by("name", "pk")
        enterprise = self.int_param("enterprise")
        if enterprise is not None:
            qs = qs.filter(enterprise_id=enterprise)
        return qs


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _int("warehouse", "Only this warehouse's filings."),
            _str("status", "Review status.", enum=list(m.WarehouseFiling._meta.get_field("status").choices)),
        ]
    )
)
class WarehouseFilingViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    serializer_class = s.WarehouseFilingSerializer

    def get_queryset(self):
        qs = (
            selectors.warehouse_filings_for_user(user=self.request.user)
            .prefetch_related("documents")
            .order_by("-created_at", "-pk")
        )
        warehouse = self.int_param("warehouse")
        if warehouse is not None:
            qs = qs.filter(warehouse_id=warehouse)
        if self.request.query_params.get("status"):
            qs = qs.filter(status=self.request.query_params["status"])
        return qs

    @extend_schema(request=None, responses={200: s.WarehouseFilingSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit the filing for review by customs-affairs staff (a broker sees its client's filings, never files)."""
        filing = self.get_object()
        require_filing_submit(user=request.user, filing=filing)
        filing = filing_services.warehouse_filing_submit(filing=filing, actor=request.user)
        return Response(self.get_serializer(filing).data)

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"], url_path=r"documents/(?P<document_id>[0-9]+)", url_name="document")
    def document(self, request, pk=None, document_id=None):
        """One of the filing's documents as a download (served only to the filing's tenant)."""
        document = self.get_object().documents.filter(pk=document_id).first()
        if document is None:
            raise NotFound(_("Not found."))
        response = private_file_response(document.file)
        response["Content-Type"] = "application/octet-stream"
        return response


# --- declarations ------------------------------------------------------------------------------------------------

DECLARATION_FILTERS = [
    _str(
        "status", "Declaration status.", enum=[c[0] for c in m.Declaration._meta.get_field("status").choices]
    ),
    _str("mode", "Customs supervision mode.", enum=["9710", "9810"]),
    _str("channel", "Clearance channel.", enum=["list", "customs_declaration"]),
    _int("enterprise", "E-commerce enterprise id."),
    _str("customsCode", "Declaring customs office."),
    OpenApiParameter("ieDateFrom", OpenApiTypes.DATE, description="Export date on or after."),
    OpenApiParameter("ieDateTo", OpenApiTypes.DATE, description="Export date on or before."),
    _str("q", "Order / booking number, waybill or copNo contains."),
]


def _declaration_error(exc, http_status=status.HTTP_409_CONFLICT, code="NOT_EDITABLE"):
    return error_response([error(code, exc)], http_status)


def _duplicate_cop_no():
    return error_response(
        [error("DUPLICATE_COP_NO", _("This copNo is already used by the declaring agent."), "copNo")],
        status.HTTP_409_CONFLICT,
    )


@extend_schema_view(list=extend_schema(parameters=DECLARATION_FILTERS))
class DeclarationViewSet(ApiMixin, viewsets.ModelViewSet):
    """Declarations (9710 / 9810) with nested goods lines; writing a draft replaces its lines and validates it."""

    serializer_class = s.DeclarationSerializer
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        params = self.request.query_params
        filters = {}
        for param, lookup in (
            ("status", "status"),
            ("mode", "mode"),
            ("channel", "channel"),
            ("customsCode", "customs_code"),
        ):
            if params.get(param):
                filters[lookup] = params[param]
        enterprise = self.int_param("enterprise")
        if enterprise is not None:
            filters["enterprise_id"] = enterprise
        for param, lookup in (("ieDateFrom", "ie_date__gte"), ("ieDateTo", "ie_date__lte")):
            if params.get(param):
                filters[lookup] = self._date_param(param)
        qs = selectors.declarations_for_user(user=self.request.user, filters=filters)
        q = bounded_search(params.get("q")).text
        if q:
            qs = qs.filter(Q(order_no__icontains=q) | Q(logistics_no__icontains=q) | Q(cop_no__icontains=q))
        return qs.prefetch_related("lines").order_by("-created_at", "-pk")

    def get_changeable_object(self):
        """The declaration, if the user may change it: the portal's check (``declarations.permissions``)."""
        declaration = self.get_object()
        require_declaration_change(user=self.request.user, declaration=declaration)
        return declaration

    def _date_param(self, name):
        from django.utils.dateparse import parse_date

        try:
            value = parse_date(self.request.query_params[name])
        except ValueError:
            value = None
        if value is None:
            raise ValidationError({name: [_("Enter a date as YYYY-MM-DD.")]}, code="invalid")
        return value

    @staticmethod
    def _split(validated: dict) -> tuple[dict, list[dict] | None]:
        data = dict(validated)
        lines = data.pop("lines", None)
        data.pop("findings", None)
        return data, lines

    def _respond(self, declaration, http_status=status.HTTP_200_OK):
        declaration = self.get_queryset().get(pk=declaration.pk)
        return Response(self.get_serializer(declaration).data, status=http_status)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data, lines = self._split(serializer.validated_data)
        require_declaration_within_delegation(user=request.user, declaration=None, data=data)
        try:
            declaration, _findings = declaration_save(
                declaration=None, data=data, lines=lines, actor=request.user
            )
        except IntegrityError:  # declaration_cop_no_per_agent: the documented 409, as on update
            return _duplicate_cop_no()
        return self._respond(declaration, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        declaration = self.get_changeable_object()
        serializer = self.get_serializer(declaration, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        data, lines = self._split(serializer.validated_data)
        require_declaration_within_delegation(user=request.user, declaration=declaration, data=data)
        if partial and "lines" in request.data:
            # Lines are replaced as a whole, so each line must be complete even in a PATCH.
            line_serializer = s.DeclarationLineSerializer(data=request.data["lines"], many=True)
            if not line_serializer.is_valid():
                raise ValidationError({"lines": line_serializer.errors})
            lines = [dict(line) for line in line_serializer.validated_data]
        if lines is None:
            lines = [
                {
                    attr: getattr(line, attr)
                    for attr in s.DeclarationLineSerializer.Meta.fields
                    if attr != "gnum"
                }
                for line in declaration.lines.all()
            ]
        try:
            declaration, _findings = declaration_save(
                declaration=declaration, data=data, lines=lines, actor=request.user
            )
        except DeclarationNotEditable as exc:
            return _declaration_error(exc)
        except IntegrityError:
            return _duplicate_cop_no()
        return self._respond(declaration)

    def destroy(self, request, *args, **kwargs):
        try:
            declaration_delete(declaration=self.get_changeable_object(), actor=request.user)
        except DeclarationNotEditable as exc:
            return _declaration_error(exc)
        except ProtectedError:  # e.g. a receipt attached to a draft by staff: it stays for the record
            return error_response(
                [error("NOT_EDITABLE", _("Only a draft that was never submitted can be deleted."))],
                status.HTTP_409_CONFLICT,
            )
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None, responses={200: s.ValidationResultSerializer})
    @action(detail=True, methods=["post"])
    def validate(self, request, pk=None):
        """Run the rules engine; returns every finding (errors and warnings) and the recommended channel."""
        declaration = self.get_changeable_object()
        findings = declaration_validate(declaration_id=declaration.pk)
        declaration.refresh_from_db()
        return Response(
            {
                "findings": s.FindingSerializer(findings, many=True).data,
                "recommendedChannel": declaration.recommended_channel,
                "channelReason": declaration.channel_reason,
            }
        )

    @extend_schema(request=None, responses={200: s.DeclarationSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Submit: refused with the blocking findings as errors (400), or 409 when the status does not allow it."""
        declaration = self.get_changeable_object()
        try:
            declaration_submit(declaration=declaration, actor=request.user)
        except SubmissionBlocked as exc:
            if exc.findings:
                return error_response(findings_errors(exc.findings), status.HTTP_400_BAD_REQUEST)
            return _declaration_error(exc, code="SUBMISSION_BLOCKED")
        return self._respond(declaration)

    @extend_schema(request=s.CancelSerializer, responses={200: s.RenderedMessageSerializer})
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Request cancellation of a released inventory list (CEB605); returns the cancellation message."""
        declaration = self.get_changeable_object()
        serializer = s.CancelSerializer(data=request.data)
        self._api_serializer = serializer
        serializer.is_valid(raise_exception=True)
        try:
            message = declaration_cancel(
                declaration=declaration, reason=serializer.validated_data["reason"], actor=request.user
            )
        except SubmissionBlocked as exc:
            return _declaration_error(exc, code="CANCEL_BLOCKED")
        return Response(s.RenderedMessageSerializer(message).data)

    def get_serializer_class(self):
        if self.action == "cancel":
            return s.CancelSerializer
        return super().get_serializer_class()


# --- messages and receipts -------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _int("declaration", "Only this declaration's messages."),
            _str("message_type", "CEB message type, e.g. CEB303."),
        ]
    )
)
class MessageViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Rendered CEB messages of the user's declarations (immutable)."""

    serializer_class = s.RenderedMessageSerializer

    def get_queryset(self):
        declarations = selectors.declarations_for_user(user=self.request.user)
        qs = m.RenderedMessage.objects.filter(declaration__in=declarations.values("pk")).defer("content")
        declaration = self.int_param("declaration")
        if declaration is not None:
            qs = qs.filter(declaration_id=declaration)
        if self.request.query_params.get("message_type"):
            qs = qs.filter(message_type=self.request.query_params["message_type"])
        return qs.order_by("-created_at", "-pk")

    @extend_schema(responses={(200, "application/xml"): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The message's XML exactly as written to the outbox."""
        message = self.get_object()  # an id that is not a number is a 404 too
        response = HttpResponse(bytes(message.content), content_type="application/xml")
        response["Content-Disposition"] = attachment_header(message.file_name)
        return response


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _int("declaration", "Only this declaration's receipts."),
            _str("receipt_type", "CEB receipt type, e.g. CEB604."),
            _str("state", "Receipt state."),
        ]
    )
)
class ReceiptViewSet(ApiMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Customs receipts matched to the user's declarations."""

    serializer_class = s.ReceiptSerializer

    def get_queryset(self):
        declarations = selectors.declarations_for_user(user=self.request.user)
        qs = m.Receipt.objects.filter(declaration__in=declarations.values("pk")).defer("raw")
        declaration = self.int_param("declaration")
        if declaration is not None:
            qs = qs.filter(declaration_id=declaration)
        for param in ("receipt_type", "state"):
            if self.request.query_params.get(param):
                qs = qs.filter(**{param: self.request.query_params[param]})
        return qs.order_by("-received_at", "-pk")


# --- code tables -----------------------------------------------------------------------------------------------

SEARCH = _str("q", "Search: code prefix, or words of the name.")


def bounded_search(raw: str | None) -> SearchQuery:
    """The ``q`` parameter within the search bounds (declarations.search), else a 400 naming it."""
    query = search_query(raw)
    if query.truncated:
        raise ValidationError({"q": [too_long_message()]}, code="SEARCH_TOO_LONG")
    return query


def _code_search(qs, raw: str, name_fields: tuple[str, ...]):
    query = bounded_search(raw)
    q = query.text
    if not q:
        return qs
    if q.isdigit() or (len(q) <= 4 and q.isalnum() and q.isascii()):
        return qs.filter(code__startswith=q)
    for word in query.words:
        cond = Q()
        for name in name_fields:
            cond |= Q(**{f"{name}__icontains": word})
        qs = qs.filter(cond)
    return qs


def code_table_viewset(model, *, name_fields=("name_zh", "name_en"), extra_filters=()):
    """A read-only, searchable viewset for one code table."""

    def get_queryset(self):
        qs = model.objects.all()
        for param in extra_filters:
            raw = self.request.query_params.get(param)
            if raw:
                try:
                    value = model._meta.get_field(param).to_python(raw)
                except DjangoValidationError:
                    raise ValidationError({param: [_("Enter a valid value.")]}, code="invalid") from None
                qs = qs.filter(**{param: value})
        return _code_search(qs, self.request.query_params.get("q", ""), name_fields)

    def param(name):
        field = model._meta.get_field(name)
        return _int(name, name) if isinstance(field, IntegerField) else _str(name, name)

    params = [SEARCH] + [param(p) for p in extra_filters]
    cls = type(
        f"{model.__name__}ViewSet",
        (ApiMixin, viewsets.ReadOnlyModelViewSet),
        {
            "serializer_class": s.code_table_serializer(model),
            "get_queryset": get_queryset,
            "lookup_value_regex": "[^/]+",
            "__doc__": f"Code table {model._meta.verbose_name_plural} (read-only).",
        },
    )
    return extend_schema_view(list=extend_schema(parameters=params))(cls)


CustomsOfficeViewSet = code_table_viewset(m.CustomsOffice, extra_filters=("province",))
CountryViewSet = code_table_viewset(m.Country)
CurrencyViewSet = code_table_viewset(m.Currency)
UnitViewSet = code_table_viewset(m.Unit)
TransportModeViewSet = code_table_viewset(m.TransportMode)
PackingTypeViewSet = code_table_viewset(m.PackingType, extra_filters=("kind",))
# HS: a digit query is a code prefix ("9617" -> the heading and its subheadings); words search descriptions.
HSCodeViewSet = code_table_viewset(m.HSCode, name_fields=("description",), extra_filters=("level",))


@extend_schema_view(
    list=extend_schema(
        parameters=[
            _str("currency", "Customs currency code, e.g. 502."),
            OpenApiParameter("month", OpenApiTypes.DATE, description="First day of the month."),
        ]
    )
)
class ExchangeRateViewSet(ApiMixin, viewsets.ReadOnlyModelViewSet):
    """Customs monthly exchange rates (CNY per unit)."""

    serializer_class = s.ExchangeRateSerializer

    def get_queryset(self):
        from django.utils.dateparse import parse_date

        qs = m.ExchangeRate.objects.all().order_by("-month", "currency_id")
        if self.request.query_params.get("currency"):
            qs = qs.filter(currency_id=self.request.query_params["currency"])
        if self.request.query_params.get("month"):
            try:
                month = parse_date(self.request.query_params["month"])
            except ValueError:
                month = None
            if month is None:
                raise ValidationError({"month": [_("Enter a date as YYYY-MM-DD.")]}, code="invalid")
            qs = qs.filter(month=month)
        return qs


# --- spreadsheet imports ---------------------------------------------------------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@extend_schema_view(
    list=extend_schema(parameters=[_str("state", "Job state.", enum=list(ImportState.values))]),
    create=extend_schema(
        request={"multipart/form-data": s.ImportUploadSerializer},
        responses={201: s.ImportJobSerializer},
    ),
)
class ImportJobViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Spreadsheet imports, as in the portal: upload (a dry run by default), poll the job, confirm the dry run,
    download the annotated error workbook. A job is private to the user who uploaded it."""

    serializer_class = s.ImportJobSerializer
    parser_classes = [MultiPartParser]

    def get_queryset(self):
        qs = selectors.import_jobs_for_user(user=self.request.user)
        if self.request.query_params.get("state"):
            qs = qs.filter(state=self.request.query_params["state"])
        return qs

    def get_serializer_class(self):
        if self.action == "create":
            return s.ImportUploadSerializer
        return super().get_serializer_class()

    def _respond(self, job, http_status):
        job.refresh_from_db()  # eager Celery (or a fast worker) may already have run it
        return Response(
            s.ImportJobSerializer(job, context=self.get_serializer_context()).data, status=http_status
        )

    def create(self, request, *args, **kwargs):
        """Upload a workbook; the limits (size, real xlsx, zip bomb, rows) are checked before anything is stored."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            job = import_job_create(
                user=request.user,
                uploaded_file=serializer.validated_data["file"],
                dry_run=serializer.validated_data["dry_run"],
                submit=serializer.validated_data["submit"],
                language=get_language(),
            )
        except ImportRejected as exc:
            # The message names the limit; a service-provided code is used when it has one.
            return error_response([error(getattr(exc, "code", None) or "IMPORT_REJECTED", exc, "file")])
        return self._respond(job, status.HTTP_201_CREATED)

    @extend_schema(request=s.ImportConfirmSerializer, responses={202: s.ImportJobSerializer})
    @action(detail=True, methods=["post"], parser_classes=[BoundedJSONParser, FormParser, MultiPartParser])
    def confirm(self, request, pk=None):
        """Store the good declarations of a finished dry run (same file, same job); 409 for any other job."""
        job = self.get_object()
        options = s.ImportConfirmSerializer(data=request.data)
        options.is_valid(raise_exception=True)
        try:
            job = import_job_confirm(
                user=request.user, job=job, submit=options.validated_data["submit"], language=get_language()
            )
        except ImportRejected as exc:
            return error_response([error("NOT_CONFIRMABLE", exc)], status.HTTP_409_CONFLICT)
        return self._respond(job, status.HTTP_202_ACCEPTED)

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY})
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        """The uploaded workbook annotated with every error and warning; 404 when the job found none."""
        job = self.get_object()
        if not job.report:
            raise NotFound(_("This import has no error report."))
        name = f"{job.file_name.rsplit('.', 1)[0]}-report.xlsx"
        return FileResponse(job.report.open("rb"), as_attachment=True, filename=name, content_type=XLSX)

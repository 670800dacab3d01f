"""API twin of a declaration's documents: list, upload, download, generate the invoice / packing list.

Same selectors (another tenant's declaration or document: 404), same permission function
(``require_declaration_change``: 403) and same services (type, size and structure checks; 400 naming the field,
and nothing stored) as the portal's views.declaration_documents.
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from declarations.api.parsers import BoundedJSONParser
from declarations.api.views import ApiMixin
from declarations.messages.trade_documents import INVOICE, PACKING_LIST
from declarations.models import DeclarationDocument
from declarations.permissions import require_declaration_change
from declarations.selectors import declaration_for_user
from declarations.selectors_documents import declaration_document_for_user, declaration_documents
from declarations.services.declaration_documents import (
    BUYER_ADDRESS_MAX,
    BUYER_NAME_MAX,
    declaration_document_generate,
    declaration_document_upload,
)
from declarations.views.common import attachment_header

API_FIELDS = {"doc_type": "docType", "buyer_name": "buyerName", "buyer_address": "buyerAddress"}


class DeclarationDocumentSerializer(serializers.ModelSerializer):
    docType = serializers.ChoiceField(source="doc_type", choices=DeclarationDocument.DocType.choices)
    fileName = serializers.CharField(source="file_name", read_only=True)
    declarationVersion = serializers.IntegerField(
        source="declaration_version", read_only=True, allow_null=True
    )
    current = serializers.SerializerMethodField(
        help_text="Generated documents: whether the declaration still shows what the document shows."
    )
    createdAt = serializers.DateTimeField(source="created_at", read_only=True)
    downloadUrl = serializers.SerializerMethodField()

    class Meta:
        model = DeclarationDocument
        fields = ["id", "docType", "fileName", "size", "generated", "declarationVersion", "current"]
        fields += ["createdAt", "downloadUrl"]
        read_only_fields = fields

    def get_current(self, obj) -> bool | None:
        return getattr(obj, "current", None) if obj.generated else None

    def get_downloadUrl(self, obj) -> str:
        url = reverse("api-declaration-document", kwargs={"pk": obj.declaration_id, "document_id": obj.pk})
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class DocumentUploadSerializer(serializers.Serializer):
    docType = serializers.ChoiceField(choices=DeclarationDocument.DocType.choices)
    file = serializers.FileField(help_text="PDF, JPEG or PNG, at most 10 MB.")


class TradeDocumentSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=[INVOICE, PACKING_LIST])
    buyerName = serializers.CharField(
        max_length=BUYER_NAME_MAX, help_text="The buyer (consignee) on the document."
    )
    buyerAddress = serializers.CharField(
        max_length=BUYER_ADDRESS_MAX, required=False, allow_blank=True, default=""
    )


def _refused(exc: DjangoValidationError):
    """The service's errors, under the API's field names."""
    if hasattr(exc, "error_dict"):
        return ValidationError({API_FIELDS.get(k, k): v for k, v in exc.message_dict.items()})
    return ValidationError({"non_field_errors": exc.messages})


class DeclarationDocumentListView(ApiMixin, generics.GenericAPIView):
    """GET: the declaration's documents, newest first; POST (multipart): upload one (docType, file). 400 names
    the field when the type, size or content is refused; 403 for a user who sees but may not change it."""

    serializer_class = DeclarationDocumentSerializer
    pagination_class = None
    parser_classes = [MultiPartParser, FormParser]

    def get_serializer_class(self):
        return DocumentUploadSerializer if self.request.method == "POST" else DeclarationDocumentSerializer

    @extend_schema(responses={200: DeclarationDocumentSerializer(many=True)})
    def get(self, request, pk):
        declaration = declaration_for_user(user=request.user, pk=pk)
        documents = declaration_documents(declaration=declaration)
        return Response(
            DeclarationDocumentSerializer(documents, many=True, context={"request": request}).data
        )

    @extend_schema(
        request={"multipart/form-data": DocumentUploadSerializer},
        responses={201: DeclarationDocumentSerializer},
    )
    def post(self, request, pk):
        declaration = declaration_for_user(user=request.user, pk=pk)
        require_declaration_change(user=request.user, declaration=declaration)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            document = declaration_document_upload(
                declaration=declaration,
                doc_type=serializer.validated_data["docType"],
                file=serializer.validated_data["file"],
                actor=request.user,
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        body = DeclarationDocumentSerializer(document, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DeclarationDocumentGenerateView(ApiMixin, generics.GenericAPIView):
    """Generate the commercial invoice or packing list (bilingual PDF) from the declaration as it is now; it is
    stored as a document with the declaration's version. 400 names the field (buyerName...) when refused."""

    serializer_class = TradeDocumentSerializer
    parser_classes = [BoundedJSONParser, FormParser, MultiPartParser]

    @extend_schema(request=TradeDocumentSerializer, responses={201: DeclarationDocumentSerializer})
    def post(self, request, pk):
        declaration = declaration_for_user(user=request.user, pk=pk)
        require_declaration_change(user=request.user, declaration=declaration)
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            document = declaration_document_generate(
                declaration=declaration,
                kind=data["kind"],
                buyer_name=data["buyerName"],
                buyer_address=data.get("buyerAddress", ""),
                actor=request.user,
            )
        except DjangoValidationError as exc:
            raise _refused(exc) from None
        document.current = True
        body = DeclarationDocumentSerializer(document, context={"request": request}).data
        return Response(body, status=status.HTTP_201_CREATED)


class DeclarationDocumentDownloadView(ApiMixin, generics.GenericAPIView):
    """One document of the declaration as a download (served only to the declaration's tenants)."""

    serializer_class = DeclarationDocumentSerializer
    pagination_class = None

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request, pk, document_id):
        document = declaration_document_for_user(
            user=request.user, declaration_id=pk, document_id=document_id, reviewers=False
        )
        try:
            handle = document.file.open("rb")
        except (FileNotFoundError, ValueError):
            raise NotFound() from None
        response = FileResponse(handle, content_type="application/octet-stream")
        response["Content-Disposition"] = attachment_header(document.file_name or "document")
        response["X-Content-Type-Options"] = "nosniff"
        return response

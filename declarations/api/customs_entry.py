"""API twin of the 报关单 result page: list and record a declaration's customs-declaration results."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from declarations.api.views import ApiMixin
from declarations.models import CustomsEntryResult
from declarations.models.customs_entry import EntryResult
from declarations.selectors import declaration_for_user
from declarations.services.customs_entry import customs_entry_record

API_FIELDS = {"entry_no": "entryNo", "result_date": "resultDate"}


class CustomsEntryResultSerializer(serializers.ModelSerializer):
    entryNo = serializers.CharField(source="entry_no", max_length=18)
    result = serializers.ChoiceField(choices=EntryResult.choices)
    resultDate = serializers.DateField(source="result_date")
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")
    recordedAt = serializers.DateTimeField(source="created_at", read_only=True)

    class Meta:
        model = CustomsEntryResult
        fields = ["id", "entryNo", "result", "resultDate", "reason", "recordedAt"]
        read_only_fields = ["id", "recordedAt"]


class DeclarationCustomsResultView(ApiMixin, generics.GenericAPIView):
    """GET: the 报关单 results recorded for a declaration; POST: record one (entry number of 18 digits, result
    released / inspection / returned with a reason, date). It moves the status as a receipt would (released,
    inspection, rejected), with one event; 400 with field errors when refused, and nothing stored."""

    serializer_class = CustomsEntryResultSerializer
    pagination_class = None

    def _declaration(self):
        # The web page's permission function: another tenant's declaration is a 404.
        return declaration_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses={200: CustomsEntryResultSerializer(many=True)})
    def get(self, request, pk):
        declaration = self._declaration()
        results = declaration.entry_results.order_by("created_at", "pk")
        return Response(self.get_serializer(results, many=True).data)

    @extend_schema(request=CustomsEntryResultSerializer, responses={201: CustomsEntryResultSerializer})
    def post(self, request, pk):
        declaration = self._declaration()
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            result = customs_entry_record(
                declaration=declaration,
                entry_no=data["entry_no"],
                result=data["result"],
                result_date=data["result_date"],
                reason=data.get("reason", ""),
                actor=request.user,
            )
        except DjangoValidationError as exc:
            if not hasattr(exc, "error_dict"):
                raise
            # The service names model fields; the API's clients know the camelCase names.
            raise ValidationError({API_FIELDS.get(k, k): v for k, v in exc.message_dict.items()}) from None
        return Response(self.get_serializer(result).data, status=status.HTTP_201_CREATED)

"""API twin of the returns pages: list, start and read the returns (退运) of a declaration.

Same selectors (another tenant's declaration is a 404), same permission function and service as the portal's
form: ``services.returns.return_create``. A refused return answers 400 with the rules' codes (RETURN_…) on the
API's field names, and stores nothing.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from declarations.api.errors import error, error_response
from declarations.api.views import ApiMixin
from declarations.models import DeclarationReturn, ReturnReason
from declarations.rules.returns import VAT_REFUND_NOTE, ReturnCheck
from declarations.selectors import declaration_for_user
from declarations.selectors_returns import return_for_user, returns_of_declaration
from declarations.services.returns import ReturnRefused, return_create

API_FIELDS = {
    "port_code": "portCode",
    "return_date": "returnDate",
    "reason_note": "reasonNote",
    "qty": "lines",
    "declaration": None,
}


class ReturnLineInSerializer(serializers.Serializer):
    gnum = serializers.IntegerField(min_value=1, max_value=99999)
    qty = serializers.DecimalField(max_digits=19, decimal_places=5, min_value=0)


class ReturnCreateSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=ReturnReason.choices)
    reasonNote = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    returnDate = serializers.DateField()
    portCode = serializers.CharField(max_length=4)
    originalState = serializers.BooleanField(default=False)
    vatRefundClaimed = serializers.BooleanField(default=False)
    lines = ReturnLineInSerializer(many=True, allow_empty=False, max_length=1000)


class ReturnLineSerializer(serializers.Serializer):
    gnum = serializers.IntegerField(source="line.gnum")
    itemNo = serializers.CharField(source="line.item_no")
    gname = serializers.CharField(source="line.gname")
    exportedQty = serializers.DecimalField(source="line.qty", max_digits=19, decimal_places=5)
    qty = serializers.DecimalField(max_digits=19, decimal_places=5)
    totalPrice = serializers.DecimalField(source="total_price", max_digits=19, decimal_places=5)


class TaxFreeCheckSerializer(serializers.Serializer):
    code = serializers.CharField()
    passed = serializers.BooleanField()
    message = serializers.CharField()


class ReturnSerializer(serializers.ModelSerializer):
    reasonNote = serializers.CharField(source="reason_note")
    returnDate = serializers.DateField(source="return_date")
    portCode = serializers.CharField(source="port_code")
    originalState = serializers.BooleanField(source="original_state")
    vatRefundClaimed = serializers.BooleanField(source="vat_refund_claimed")
    exportDate = serializers.DateField(source="export_date", allow_null=True)
    supervisionMode = serializers.CharField(source="supervision_mode")
    taxFree = serializers.BooleanField(source="tax_free")
    taxFreeChecks = serializers.SerializerMethodField()
    vatRefundNote = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()
    createdAt = serializers.DateTimeField(source="created_at")

    class Meta:
        model = DeclarationReturn
        fields = [
            "id",
            "number",
            "reason",
            "reasonNote",
            "returnDate",
            "portCode",
            "originalState",
            "vatRefundClaimed",
            "exportDate",
            "supervisionMode",
            "taxFree",
            "taxFreeChecks",
            "vatRefundNote",
            "lines",
            "createdAt",
        ]
        read_only_fields = fields

    @extend_schema_field(TaxFreeCheckSerializer(many=True))
    def get_taxFreeChecks(self, obj) -> list[dict]:
        checks = [ReturnCheck.from_dict(d) for d in obj.tax_free_checks]
        return [{"code": c.code, "passed": c.passed, "message": c.message} for c in checks]

    def get_vatRefundNote(self, obj) -> str:
        """The tax office's 补税/未退税 certificate is needed: said when an export VAT refund was claimed."""
        return str(VAT_REFUND_NOTE) if obj.vat_refund_claimed else ""

    @extend_schema_field(ReturnLineSerializer(many=True))
    def get_lines(self, obj) -> list[dict]:
        rows = sorted(obj.lines.all(), key=lambda row: row.line.gnum)
        return ReturnLineSerializer(rows, many=True).data


class DeclarationReturnListView(ApiMixin, generics.GenericAPIView):
    """GET: the returns of a released declaration, oldest first. POST: start one (lines and quantities, reason,
    return date, port): checked as in the portal (only released goods, quantities not above what was exported
    less earlier returns), with the tax-free checks of announcement 2026 No. 16 in the answer; one timeline event.
    400 (RETURN_… codes, nothing stored), 403 for a user who may not change the declaration."""

    serializer_class = ReturnSerializer
    pagination_class = None

    def _declaration(self):
        return declaration_for_user(user=self.request.user, pk=self.kwargs["pk"])

    @extend_schema(responses={200: ReturnSerializer(many=True)})
    def get(self, request, pk):
        returns = returns_of_declaration(declaration=self._declaration())
        return Response(ReturnSerializer(returns, many=True).data)

    @extend_schema(request=ReturnCreateSerializer, responses={201: ReturnSerializer})
    def post(self, request, pk):
        declaration = self._declaration()
        serializer = ReturnCreateSerializer(data=request.data)
        self._api_serializer = serializer
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        gnums = [line["gnum"] for line in data["lines"]]
        if len(gnums) != len(set(gnums)):
            return error_response([error("DUPLICATE_LINE", _("Each goods line may appear once."), "lines")])
        try:
            goods_return = return_create(
                declaration=declaration,
                actor=request.user,
                quantities={line["gnum"]: line["qty"] for line in data["lines"]},
                reason=data["reason"],
                reason_note=data["reasonNote"],
                return_date=data["returnDate"],
                port_code=data["portCode"],
                original_state=data["originalState"],
                vat_refund_claimed=data["vatRefundClaimed"],
            )
        except ReturnRefused as refused:
            return error_response(
                [
                    error(check.code, check.message, API_FIELDS.get(check.field, check.field), check.gnum)
                    for check in refused.checks
                ]
            )
        return Response(ReturnSerializer(goods_return).data, status=status.HTTP_201_CREATED)


class DeclarationReturnDetailView(ApiMixin, generics.GenericAPIView):
    """One return of a declaration, with its lines, values and the tax-free checks of 2026 No. 16."""

    serializer_class = ReturnSerializer
    pagination_class = None

    @extend_schema(responses={200: ReturnSerializer})
    def get(self, request, pk, return_id):
        goods_return = return_for_user(user=request.user, pk=pk, return_id=return_id)
        return Response(ReturnSerializer(goods_return).data)

"""API of master bills (清单总分单, CEB607): the same selectors, services and rules as the portal's screens.

Keys are the CEB element names (trafName, voyageNo, billNo, grossWeight ...), as everywhere in the API.
"""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from declarations.api.errors import error, error_response, findings_errors
from declarations.api.serializers import CebNamedModelSerializer
from declarations.api.views import ApiMixin
from declarations.models import MasterBill, MasterBillItem
from declarations.selectors_master_bills import (
    master_bill_agents_for_user,
    master_bill_lists_visible,
    master_bills_for_user,
)
from declarations.services.master_bills import (
    HEAD_FIELDS,
    MasterBillBlocked,
    master_bill_create,
    master_bill_delete,
    master_bill_submit,
)

CEB_NAMES = {
    "customsCode": "customs_code",
    "copNo": "cop_no",
    "preNo": "pre_no",
    "loctNo": "loct_no",
    "trafMode": "traf_mode",
    "trafName": "traf_name",
    "voyageNo": "voyage_no",
    "billNo": "bill_no",
    "domesticTrafNo": "domestic_traf_no",
    "grossWeight": "gross_weight",
    "packNo": "pack_no",
    "logisticsCode": "logistics_code",
    "logisticsName": "logistics_name",
}


class MasterBillItemSerializer(serializers.ModelSerializer):
    logisticsNo = serializers.CharField(source="logistics_no", read_only=True)  # noqa: N815
    invtNo = serializers.CharField(source="invt_no", read_only=True)  # noqa: N815

    class Meta:
        model = MasterBillItem
        fields = ["gnum", "declaration", "logisticsNo", "invtNo"]
        read_only_fields = fields


class MasterBillSerializer(CebNamedModelSerializer):
    ceb_names = CEB_NAMES
    items = MasterBillItemSerializer(many=True, read_only=True)

    class Meta:
        model = MasterBill
        fields = [
            "id",
            "agent",
            "status",
            *CEB_NAMES.values(),
            "note",
            "last_return_status",
            "last_return_info",
            "message_guid",
            "sent_at",
            "created_at",
            "items",
        ]
        read_only_fields = fields


class MasterBillCreateSerializer(CebNamedModelSerializer):
    """A new master bill: the lists (declaration ids, in order) and the head; ``agent`` defaults to the user's
    only enterprise."""

    ceb_names = {k: v for k, v in CEB_NAMES.items() if v in HEAD_FIELDS}
    lists = serializers.ListField(child=serializers.IntegerField(min_value=1), max_length=1000)

    class Meta:
        model = MasterBill
        fields = ["agent", "lists", *HEAD_FIELDS]
        extra_kwargs = {
            "agent": {"required": False},
            **{name: {"required": False} for name in HEAD_FIELDS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["agent"].queryset = master_bill_agents_for_user(user=request.user)

    def validate_lists(self, ids):
        user = self.context["request"].user
        found = master_bill_lists_visible(user=user, ids=ids)
        if len(found) != len(set(ids)) or len(set(ids)) != len(ids):
            raise serializers.ValidationError(_("Name each of your own declarations once."))
        return found


@extend_schema(tags=["master bills"])
class MasterBillViewSet(
    ApiMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Master bills of the user's enterprises; create checks every rule, submit sends CEB607 once."""

    serializer_class = MasterBillSerializer

    def get_queryset(self):
        return master_bills_for_user(user=self.request.user).prefetch_related("items").order_by("-created_at")

    def get_serializer_class(self):
        if self.action == "create":
            return MasterBillCreateSerializer
        return MasterBillSerializer

    @extend_schema(request=MasterBillCreateSerializer, responses={201: MasterBillSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        agent = data.pop("agent", None)
        if agent is None:
            agents = list(master_bill_agents_for_user(user=request.user)[:2])
            if len(agents) != 1:
                return error_response(
                    [error("required", _("Name the declaring agent (agent)."), "agent")],
                    status.HTTP_400_BAD_REQUEST,
                )
            agent = agents[0]
        declarations = data.pop("lists")
        head = {k: data.get(k, "" if k not in ("gross_weight", "pack_no") else None) for k in HEAD_FIELDS}
        try:
            bill = master_bill_create(agent=agent, declarations=declarations, head=head, actor=request.user)
        except MasterBillBlocked as exc:
            return error_response(findings_errors(exc.findings) or [error("BLOCKED", str(exc))])
        return Response(MasterBillSerializer(bill).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: MasterBillSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the draft to customs (CEB607): 400 with the blocking findings, 409 when it is not a draft."""
        bill = self.get_object()
        try:
            master_bill_submit(master_bill=bill, actor=request.user)
        except MasterBillBlocked as exc:
            if exc.findings:
                return error_response(findings_errors(exc.findings))
            return error_response([error("NOT_DRAFT", str(exc))], status.HTTP_409_CONFLICT)
        bill.refresh_from_db()
        return Response(MasterBillSerializer(bill).data)

    @extend_schema(responses={204: None})
    def destroy(self, request, *args, **kwargs):
        """Delete a draft; anything sent stays for the record (409)."""
        bill = self.get_object()
        try:
            master_bill_delete(master_bill=bill)
        except MasterBillBlocked as exc:
            return error_response([error("NOT_DRAFT", str(exc))], status.HTTP_409_CONFLICT)
        return Response(status=status.HTTP_204_NO_CONTENT)

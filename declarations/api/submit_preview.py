"""API twin of the portal's submit confirmation: what ``POST …/submit/`` would send, without sending it."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response

from declarations.api.serializers import FindingSerializer
from declarations.api.views import ApiMixin
from declarations.selectors import declaration_for_user
from declarations.services.submission_preview import declaration_submit_preview


class SubmitPreviewSerializer(serializers.Serializer):
    mode = serializers.CharField(source="declaration.mode")
    modeLabel = serializers.CharField(source="mode_label")
    channel = serializers.CharField()
    channelLabel = serializers.CharField(source="channel_label")
    channelReason = serializers.CharField(source="channel_reason")
    orderNo = serializers.CharField(source="order_no")
    logisticsNo = serializers.CharField(source="logistics_no")
    lines = serializers.IntegerField(source="line_count")
    goodsValue = serializers.CharField(source="value")
    currency = serializers.CharField()
    valueCny = serializers.CharField(source="value_cny")
    rate = serializers.CharField()
    rateMonth = serializers.CharField(source="rate_month")
    messages = serializers.ListField(source="produced", child=serializers.CharField())
    blocking = FindingSerializer(many=True)


class DeclarationSubmitPreviewView(ApiMixin, generics.GenericAPIView):
    """What a submit would send: mode, channel and its reason, the value in CNY with the customs rate used
    (``valueCny`` / ``rate`` empty when no rate is known), order or booking number, waybill, number of lines, the
    messages it produces and the findings that would block it. A read: nothing changes."""

    serializer_class = SubmitPreviewSerializer
    pagination_class = None

    @extend_schema(responses={200: SubmitPreviewSerializer})
    def get(self, request, pk):
        declaration = declaration_for_user(user=request.user, pk=pk)  # the web page's permission function
        return Response(self.get_serializer(declaration_submit_preview(declaration=declaration)).data)

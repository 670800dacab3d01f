"""API twin of the classification assistant: GET /api/classify/?q=… (same tenancy as the web box)."""

from django.http import Http404
from django.utils.translation import get_language
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from declarations.selectors_classify import LIMIT, classification_suggest


class ReasonSerializer(serializers.Serializer):
    source = serializers.CharField(help_text="catalogue, used, broker, code, tariff, hs or note")
    text = serializers.CharField()


class SuggestionSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    in_tariff = serializers.BooleanField()
    simplified = serializers.BooleanField(help_text="A 6-digit code: the simplified list only.")
    reasons = ReasonSerializer(many=True)
    count = serializers.IntegerField(help_text="Goods lines declared under this code before.")
    unit1 = serializers.CharField()
    unit1_label = serializers.CharField()
    unit2 = serializers.CharField()
    unit2_label = serializers.CharField()
    elements = serializers.ListField(child=serializers.CharField(), help_text="申报要素, in customs order.")
    flags = serializers.DictField(child=serializers.BooleanField())
    flag_reasons = serializers.ListField(child=serializers.CharField())


class ClassifyView(APIView):
    """Ranked declarable codes for a Chinese or English product description, or the start of a code."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str, required=True, description="Description or the start of a code."),
            OpenApiParameter("enterprise", int, description="The exporter (default: your own)."),
            OpenApiParameter(
                "office", str, description="Declaring customs office (6-digit codes at pilot zones)."
            ),
            OpenApiParameter("channel", str, description="list or customs_declaration; empty: not chosen."),
        ],
        responses={200: SuggestionSerializer(many=True), 404: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        params = request.query_params
        try:
            suggestions = classification_suggest(
                user=request.user,
                query=params.get("q", ""),
                enterprise_id=params.get("enterprise") or None,
                office=params.get("office", ""),
                channel=params.get("channel", ""),
                english=(get_language() or "").startswith("en"),
                limit=LIMIT,
            )
        except Http404:
            raise NotFound() from None
        return Response(SuggestionSerializer([s.as_dict() for s in suggestions], many=True).data)

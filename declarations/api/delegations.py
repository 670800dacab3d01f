"""API of delegations: list and read the user's own, request (broker), entrust (exporter), accept, refuse, end.

The same selectors and services as the portal's pages (views/delegations.py): the same permission checks (an
administrator of the acting side), the same rules, the same events.
"""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from declarations.api.errors import error, error_response
from declarations.api.views import ApiMixin
from declarations.choices import Mode
from declarations.models import Delegation, DelegationEvent, Enterprise
from declarations.rules.delegations import is_live
from declarations.selectors_delegations import admin_enterprises, delegation_for_user, delegations_for_user
from declarations.services.delegations import (
    DelegationRefused,
    delegation_accept,
    delegation_end,
    delegation_entrust,
    delegation_refuse,
    delegation_request,
)


class PartySerializer(serializers.ModelSerializer):
    class Meta:
        model = Enterprise
        fields = ["id", "name", "name_en", "uscc", "customs_code"]
        read_only_fields = fields


class DelegationEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True, read_only=True)

    class Meta:
        model = DelegationEvent
        fields = ["kind", "side", "actor", "note", "created_at"]
        read_only_fields = fields


class DelegationSerializer(serializers.ModelSerializer):
    broker = PartySerializer(read_only=True)
    exporter = PartySerializer(read_only=True)
    modes = serializers.ListField(child=serializers.CharField(), read_only=True)
    offices = serializers.ListField(child=serializers.CharField(), read_only=True)
    live = serializers.SerializerMethodField()
    events = DelegationEventSerializer(many=True, read_only=True)

    class Meta:
        model = Delegation
        fields = [
            "id",
            "broker",
            "exporter",
            "status",
            "live",
            "initiated_by",
            "modes",
            "offices",
            "valid_from",
            "valid_until",
            "agreement_no",
            "note",
            "created_at",
            "decided_at",
            "ended_at",
            "events",
        ]
        read_only_fields = fields

    def get_live(self, obj) -> bool:
        """Whether the broker may act for the exporter today (accepted, within its validity, not ended)."""
        return is_live(
            status=obj.status,
            valid_from=obj.valid_from,
            valid_until=obj.valid_until,
            today=timezone.localdate(),
        )


class DelegationTermsSerializer(serializers.Serializer):
    """The other party by its USCC or customs code, and the terms. ``enterprise`` (the acting broker or exporter)
    defaults to the only one the user administers in that role."""

    enterprise = serializers.PrimaryKeyRelatedField(queryset=Enterprise.objects.none(), required=False)
    code = serializers.CharField(max_length=18)
    modes = serializers.ListField(
        child=serializers.ChoiceField(choices=Mode.choices), required=False, default=list, max_length=10
    )
    offices = serializers.ListField(
        child=serializers.CharField(max_length=4), required=False, default=list, max_length=100
    )
    valid_from = serializers.DateField(required=False, allow_null=True, default=None)
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    agreement_no = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")

    def __init__(self, *args, role: str = "broker", **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["enterprise"].queryset = admin_enterprises(user=request.user, role=role)


class DelegationNoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


def _refused(exc: DelegationRefused) -> Response:
    errors = [error(p.code, p.message, p.field) for p in exc.problems]
    conflict = any(p.code in ("DLG_NOT_OPEN", "DLG_ALREADY_OPEN") for p in exc.problems)
    return error_response(errors, status.HTTP_409_CONFLICT if conflict else status.HTTP_400_BAD_REQUEST)


@extend_schema(tags=["delegations"])
class DelegationViewSet(ApiMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Delegations the user's enterprises are a party to, as broker or as exporter."""

    serializer_class = DelegationSerializer

    def get_queryset(self):
        return delegations_for_user(user=self.request.user).prefetch_related("events__actor")

    def get_object(self):
        return delegation_for_user(user=self.request.user, pk=self.kwargs["pk"])

    def _create(self, request, role: str):
        serializer = DelegationTermsSerializer(data=request.data, role=role, context={"request": request})
        self._api_serializer = serializer
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        acting = data.pop("enterprise", None)
        if acting is None:
            choices = list(admin_enterprises(user=request.user, role=role)[:2])
            if len(choices) != 1:
                message = _("Name the enterprise you act for (enterprise).")
                status_code = status.HTTP_400_BAD_REQUEST if choices else status.HTTP_403_FORBIDDEN
                code = "required" if choices else "PERMISSION_DENIED"
                return error_response([error(code, message, "enterprise")], status_code)
            acting = choices[0]
        code = data.pop("code")
        try:
            if role == "broker":
                delegation = delegation_request(actor=request.user, broker=acting, code=code, **data)
            else:
                delegation = delegation_entrust(actor=request.user, exporter=acting, code=code, **data)
        except DelegationRefused as exc:
            return _refused(exc)
        delegation = delegation_for_user(user=request.user, pk=delegation.pk)
        return Response(DelegationSerializer(delegation).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DelegationTermsSerializer, responses={201: DelegationSerializer})
    @action(detail=False, methods=["post"], url_path="request")
    def ask(self, request):
        """A broker asks to act for the exporter with this USCC or customs code (pending until it decides)."""
        return self._create(request, "broker")

    @extend_schema(request=DelegationTermsSerializer, responses={201: DelegationSerializer})
    @action(detail=False, methods=["post"])
    def entrust(self, request):
        """An exporter entrusts the broker with this USCC or customs code (in force at once)."""
        return self._create(request, "exporter")

    def _change(self, request, service):
        delegation = self.get_object()
        serializer = DelegationNoteSerializer(data=request.data)
        self._api_serializer = serializer
        serializer.is_valid(raise_exception=True)
        try:
            service(actor=request.user, delegation=delegation, note=serializer.validated_data["note"])
        except DelegationRefused as exc:
            return _refused(exc)
        return Response(DelegationSerializer(self.get_object()).data)

    @extend_schema(request=DelegationNoteSerializer, responses={200: DelegationSerializer})
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The exporter's administrator accepts a pending request (403 for anyone else, 409 when not pending)."""
        return self._change(request, delegation_accept)

    @extend_schema(request=DelegationNoteSerializer, responses={200: DelegationSerializer})
    @action(detail=True, methods=["post"])
    def refuse(self, request, pk=None):
        """The exporter's administrator refuses a pending request."""
        return self._change(request, delegation_refuse)

    @extend_schema(request=DelegationNoteSerializer, responses={200: DelegationSerializer})
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """Either side's administrator ends a pending or accepted delegation: the broker can act no more."""
        return self._change(request, delegation_end)

"""API twins of a returned declaration's change (appType 2) and withdrawal (appType 3), and what customs
accepts now: the same permission checks, rules and services as the portal's pages (views/amendments.py)."""

from django.urls import path
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers, status
from rest_framework.response import Response

from declarations.api.errors import error, error_response, findings_errors
from declarations.api.serializers import ErrorSerializer, RenderedMessageSerializer
from declarations.api.views import ApiMixin
from declarations.permissions import require_declaration_change
from declarations.rules.amendments import AmendmentState, change_verdict, withdraw_verdict
from declarations.selectors import declaration_for_user
from declarations.services.amendments import (
    AmendmentRefused,
    declaration_declare_change,
    declaration_withdraw,
)
from declarations.services.submission import SubmissionBlocked


class VerdictSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=["change", "withdraw"])
    allowed = serializers.BooleanField()
    code = serializers.CharField(help_text="Stable rule code (docs/rules.md, Change and withdrawal).")
    message = serializers.CharField()


class AmendmentsSerializer(serializers.Serializer):
    status = serializers.CharField()
    version = serializers.IntegerField()
    appType = serializers.CharField(
        help_text="appType of the current version's messages: 1 new, 2 change, 3 delete."
    )
    verdicts = VerdictSerializer(many=True)


class ChangeResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    version = serializers.IntegerField()
    appType = serializers.CharField(source="app_type")


class WithdrawSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


def _amendments(declaration) -> dict:
    state = AmendmentState.of(declaration)
    return {
        "status": declaration.status,
        "version": declaration.version,
        "appType": declaration.app_type,
        "verdicts": [change_verdict(state), withdraw_verdict(state)],
    }


def _refused(exc: SubmissionBlocked) -> Response:
    if isinstance(exc, AmendmentRefused):
        return error_response([error(exc.code, exc, "appType")], status.HTTP_409_CONFLICT)
    if exc.findings:
        return error_response(findings_errors(exc.findings), status.HTTP_409_CONFLICT)
    return error_response([error("NOT_EDITABLE", exc)], status.HTTP_409_CONFLICT)


class _DeclarationAction(ApiMixin, generics.GenericAPIView):
    pagination_class = None

    def _declaration(self, *, change: bool):
        # The web pages' permission functions: another tenant's declaration is a 404, a reviewer's change a 403.
        declaration = declaration_for_user(user=self.request.user, pk=self.kwargs["pk"])
        if change:
            require_declaration_change(user=self.request.user, declaration=declaration)
        return declaration


class DeclarationAmendmentsView(_DeclarationAction):
    """What customs accepts of this declaration now: a change (appType 2) and a withdrawal (appType 3), each
    allowed or not with the rule's code and reason. A read: nothing changes."""

    serializer_class = AmendmentsSerializer

    @extend_schema(responses={200: AmendmentsSerializer})
    def get(self, request, pk):
        return Response(AmendmentsSerializer(_amendments(self._declaration(change=False))).data)


class DeclarationChangeView(_DeclarationAction):
    """Declare a returned declaration (退单) again as a change: its messages are rendered with appType 2, the
    same copNo, new guids, version + 1. 409 with the rule's code (AMEND_…) or the blocking findings when
    refused; nothing changes then."""

    serializer_class = ChangeResultSerializer

    @extend_schema(
        request=None,
        responses={
            202: ChangeResultSerializer,
            409: OpenApiResponse(
                ErrorSerializer, description="Refused: the rule's code or blocking findings."
            ),
        },
    )
    def post(self, request, pk):
        declaration = self._declaration(change=True)
        try:
            declaration = declaration_declare_change(declaration=declaration, actor=request.user)
        except SubmissionBlocked as exc:
            return _refused(exc)
        return Response(ChangeResultSerializer(declaration).data, status=status.HTTP_202_ACCEPTED)


class DeclarationWithdrawView(_DeclarationAction):
    """Withdraw a returned inventory list: CEB603 with appType 3 (删除) in a new version, written to the outbox;
    returns that message. 409 with the rule's code (AMEND_…) when customs would not accept it."""

    serializer_class = WithdrawSerializer

    @extend_schema(
        request=WithdrawSerializer,
        responses={
            201: RenderedMessageSerializer,
            409: OpenApiResponse(ErrorSerializer, description="Refused: the rule's code."),
        },
    )
    def post(self, request, pk):
        declaration = self._declaration(change=True)
        serializer = WithdrawSerializer(data=request.data)
        self._api_serializer = serializer
        serializer.is_valid(raise_exception=True)
        try:
            message = declaration_withdraw(
                declaration=declaration, reason=serializer.validated_data["reason"], actor=request.user
            )
        except SubmissionBlocked as exc:
            return _refused(exc)
        return Response(RenderedMessageSerializer(message).data, status=status.HTTP_201_CREATED)


urlpatterns = [
    path(
        "declarations/<int:pk>/amendments/",
        DeclarationAmendmentsView.as_view(),
        name="api-declaration-amendments",
    ),
    path("declarations/<int:pk>/change/", DeclarationChangeView.as_view(), name="api-declaration-change"),
    path(
        "declarations/<int:pk>/withdraw/", DeclarationWithdrawView.as_view(), name="api-declaration-withdraw"
    ),
]

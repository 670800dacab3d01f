"""One error shape for the whole API: {"errors": [{"code", "message", "field", "gnum"}]}.

Codes are the rules engine's codes (REQUIRED, TOO_LONG, ...) wherever a field is at fault, so a client handles
serializer errors, blocking findings and spreadsheet reports the same way; other failures get a stable code of
their own (NOT_FOUND, NOT_AUTHENTICATED, ...).
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

# DRF / Django validator code -> rule code of the rules engine.
FIELD_CODES = {
    "required": "REQUIRED",
    "null": "REQUIRED",
    "blank": "REQUIRED",
    "max_length": "TOO_LONG",
    "min_length": "WRONG_LENGTH",
    "max_digits": "DECIMAL_PRECISION",
    "max_decimal_places": "DECIMAL_PRECISION",
    "max_whole_digits": "DECIMAL_PRECISION",
    "min_value": "NEGATIVE_NUMBER",
    "max_value": "DECIMAL_PRECISION",
    "max_string_length": "TOO_LONG",
    "surrogate_characters_not_allowed": "INVALID_CHARACTERS",
    "null_characters_not_allowed": "INVALID_CHARACTERS",
    "invalid_choice": "INVALID_CHOICE",
    "does_not_exist": "DOES_NOT_EXIST",
    "incorrect_type": "DOES_NOT_EXIST",
    "not_a_list": "INVALID",
}
# Codes that depend on the field's type ("invalid" means "not a number" for a number, and so on).
INVALID_BY_TYPE = {
    "DecimalField": "INVALID_NUMBER",
    "IntegerField": "INVALID_NUMBER",
    "FloatField": "INVALID_NUMBER",
    "DateField": "INVALID_DATE",
    "DateTimeField": "INVALID_DATE",
}
STATUS_CODES = {
    status.HTTP_401_UNAUTHORIZED: "NOT_AUTHENTICATED",
    status.HTTP_403_FORBIDDEN: "PERMISSION_DENIED",
    status.HTTP_404_NOT_FOUND: "NOT_FOUND",
    status.HTTP_405_METHOD_NOT_ALLOWED: "METHOD_NOT_ALLOWED",
    status.HTTP_406_NOT_ACCEPTABLE: "NOT_ACCEPTABLE",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "REQUEST_TOO_LARGE",
    status.HTTP_415_UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
    status.HTTP_429_TOO_MANY_REQUESTS: "THROTTLED",
}


def error(code: str, message, field: str | None = None, gnum: int | None = None) -> dict:
    return {"code": code, "message": str(message), "field": field, "gnum": gnum}


def error_response(
    errors: list[dict], http_status: int = status.HTTP_400_BAD_REQUEST, headers=None
) -> Response:
    return Response({"errors": errors}, status=http_status, headers=headers)


def findings_errors(findings) -> list[dict]:
    """Blocking findings of the rules engine in the error shape (same code, field and gnum)."""
    return [error(f.code, f.message, f.field or None, f.gnum) for f in findings if f.is_error]


def _field_code(code: str | None, field_type: str | None) -> str:
    if code == "invalid" and field_type in INVALID_BY_TYPE:
        return INVALID_BY_TYPE[field_type]
    if code in FIELD_CODES:
        return FIELD_CODES[code]
    if code and code.isupper():  # raised with a rules-engine code (TOO_MANY_LINES, ...): keep it
        return code
    return "INVALID"


def flatten_validation(detail, *, serializer=None, field=None, gnum=None) -> list[dict]:
    """DRF's nested error detail -> flat list; a nested ``lines`` list index becomes the line's gnum."""
    out: list[dict] = []
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                out += flatten_validation(value, serializer=serializer, field=field, gnum=gnum)
                continue
            child = _child(serializer, key)
            items = None
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                items = enumerate(value)  # many=True nested serializer: one dict per item, empty when valid
            elif isinstance(value, dict) and value and all(isinstance(k, int) for k in value):
                items = value.items()  # newer DRF: only the failing items, keyed by index
            if items is not None:
                for index, item in items:
                    if item:
                        out += flatten_validation(
                            item, serializer=_child_of_list(child), field=key, gnum=index + 1
                        )
                continue
            out += flatten_validation(value, serializer=child, field=key, gnum=gnum)
    elif isinstance(detail, list):
        for item in detail:
            out += flatten_validation(item, serializer=serializer, field=field, gnum=gnum)
    else:
        field_type = type(serializer).__name__ if serializer is not None else None
        code = getattr(detail, "code", None)
        out.append(error(_field_code(code, field_type), detail, field, gnum))
    return out


def _child(serializer, key):
    fields = getattr(serializer, "fields", None)
    if fields is None:
        return None
    try:
        return fields.get(key)
    except AttributeError:
        return None


def _child_of_list(field):
    return getattr(field, "child", field)


def api_exception_handler(exc, context):
    """DRF exception handler that always answers in the one error shape."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            detail=exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        )
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    elif isinstance(exc, RequestDataTooBig):
        from declarations.api.parsers import RequestTooLarge

        exc = RequestTooLarge()
    elif isinstance(exc, TooManyFieldsSent | TooManyFilesSent):
        exc = exceptions.ParseError(_("The request has too many fields or files."))
    response = drf_exception_handler(exc, context)
    if response is None:
        return None  # unexpected errors propagate (500) as in Django
    if isinstance(exc, exceptions.ValidationError):
        view = context.get("view")
        serializer = getattr(view, "_api_serializer", None)
        errors = flatten_validation(exc.detail, serializer=serializer)
    elif isinstance(exc, exceptions.ParseError):
        errors = [error("PARSE_ERROR", exc.detail)]
    else:
        code = STATUS_CODES.get(response.status_code, "ERROR")
        detail = getattr(exc, "detail", None) or _("Error")
        errors = [error(code, detail)]
    response.data = {"errors": errors}
    return response


def bad_request(request, exception, template_name="400.html"):
    """Django's 400 (handler400): a body too large or too many fields refused before any view ran. Under /api/
    in the API's error shape (413 for a body over the limit); elsewhere Django's own page."""
    if not request.path.startswith("/api/"):
        return defaults.bad_request(request, exception, template_name)
    if isinstance(exception, RequestDataTooBig):
        return JsonResponse(
            {"errors": [error("REQUEST_TOO_LARGE", _("The request body is too large."))]},
            status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
        )
    return JsonResponse(
        {"errors": [error("BAD_REQUEST", _("Bad request."))]}, status=status.HTTP_400_BAD_REQUEST
    )

"""The API's JSON parser: bounded in size and in nesting, so a hostile body is a 400/413 in the error shape.

DRF's own parser reads a JSON body whatever its length (Django's DATA_UPLOAD_MAX_MEMORY_SIZE only guards
``request.body`` and form data) and lets the RecursionError of a body nested ~1,000 deep escape as a 500.
"""

import re

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser
from rest_framework.utils import json

# Deeper than any document of this API (a declaration is three levels: head, lines, line fields).
MAX_JSON_DEPTH = 64


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = _("The request body is too large.")
    default_code = "request_too_large"


_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")


def json_depth_exceeds(text: str, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``, found before json.loads recurses: strings and
    everything but brackets are dropped by regular expressions, and only the brackets are walked."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    if len(brackets) <= 2 * limit:
        opening = sum(1 for char in brackets if char in "[{")
        if opening <= limit:
            return False
    depth = 0
    for char in brackets:
        if char in "[{":
            depth += 1
            if depth > limit:
                return True
        else:
            depth -= 1
    return False


def body_limit() -> int | None:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parser_context = parser_context or {}
        encoding = parser_context.get("encoding", settings.DEFAULT_CHARSET)
        limit = body_limit()
        if stream is None:
            raw = b""
        else:
            # One byte past the limit tells an oversized body apart without reading all of it.
            raw = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(raw) > limit:
            raise RequestTooLarge()
        try:
            text = raw.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise exceptions.ParseError(
                _("The JSON body is not valid %(encoding)s.") % {"encoding": encoding}
            ) from exc
        if json_depth_exceeds(text):
            raise exceptions.ParseError(
                _("The JSON body is nested more than %(depth)d levels deep.") % {"depth": MAX_JSON_DEPTH}
            )
        try:
            if self.strict:
                return json.loads(text)
            return json.loads(text, parse_constant=None)
        except (ValueError, RecursionError) as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from exc

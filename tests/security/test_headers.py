"""Security headers on every response, in every environment (the tests run with DEBUG on), and a
Content-Security-Policy the templates actually comply with."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from declarations.middleware import build_policy
from tests import factories as f

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.fixture
def member(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a).user


def _directives(header: str) -> dict[str, list[str]]:
    parts = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in parts}


def _pages(member) -> list:
    anonymous, signed_in, api = Client(), Client(), Client()
    signed_in.force_login(member)
    return [
        anonymous.get(reverse("login")),
        anonymous.get("/healthz"),
        anonymous.get("/no-such-page/"),
        signed_in.get(reverse("home")),
        signed_in.get(reverse("declaration_list")),
        api.get("/api/declarations/"),  # 401 in the API's error shape
    ]


def test_headers_on_every_kind_of_response(member):
    # Test settings start from DEBUG=true, so the production-only block did not run: the headers do not need it.
    assert settings.SESSION_COOKIE_SECURE is False
    for response in _pages(member):
        where = f"{response.request['PATH_INFO']} ({response.status_code})"
        assert response["X-Content-Type-Options"] == "nosniff", where
        assert response["Referrer-Policy"] == "same-origin", where
        assert response["X-Frame-Options"] == "DENY", where
        assert response["Cross-Origin-Opener-Policy"] == "same-origin", where
        assert "Content-Security-Policy" in response, where


def test_policy_allows_no_inline_or_foreign_script(member):
    response = Client().get(reverse("login"))
    policy = _directives(response["Content-Security-Policy"])
    nonce = [v for v in policy["script-src"] if v.startswith("'nonce-")]
    assert policy["script-src"] == ["'self'", *nonce] and len(nonce) == 1
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["connect-src"] == ["'self'"]  # htmx requests go to the portal only


def test_nonce_is_fresh_per_request():
    first = Client().get(reverse("login"))["Content-Security-Policy"]
    second = Client().get(reverse("login"))["Content-Security-Policy"]
    assert re.search(r"'nonce-[\w-]{20,}'", first)
    assert first != second


def test_swagger_ui_is_served_locally_with_a_nonced_starter(member):
    client = Client()
    client.force_login(member)
    response = client.get("/api/docs/")
    assert response.status_code == 200
    policy = _directives(response["Content-Security-Policy"])
    # No third-party host anywhere in the policy: the bundle comes from our static files (sidecar).
    assert all("://" not in value for values in policy.values() for value in values), policy
    assert policy["script-src"][0] == "'self'" and len(policy["script-src"]) == 2  # 'self' and the nonce
    assert "'unsafe-inline'" not in policy["script-src"]
    page = response.content.decode()
    assert "cdn.jsdelivr.net" not in page
    bundle = re.search(r'<script src="([^"]+swagger-ui-bundle\.js)"', page).group(1)
    assert bundle.startswith("/static/drf_spectacular_sidecar/")
    nonce = next(v for v in policy["script-src"] if v.startswith("'nonce-"))[7:-1]
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_admin_may_run_only_the_one_import_export_handler():
    policy = _directives(build_policy(nonce="n", path="/admin/declarations/declaration/export/"))
    assert "'unsafe-hashes'" in policy["script-src"]
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-hashes'" not in _directives(build_policy(nonce="n", path="/declarations/"))["script-src"]


def test_session_cookie_is_http_only(member):
    client = Client()
    response = client.post(reverse("login"), {"username": member.username, "password": "pw-Secret-123"})
    assert response.status_code == 302
    assert response.cookies[settings.SESSION_COOKIE_NAME]["httponly"] is True
    assert response.cookies[settings.SESSION_COOKIE_NAME]["samesite"] == "Lax"


# Inline code would be blocked by the policy: every template keeps script in static files.
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\b(?:src|nonce)=)[^>]*>", re.IGNORECASE)
_INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
_JS_URL = re.compile(r"""(?:href|src|action)\s*=\s*["']\s*javascript:""", re.IGNORECASE)


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_have_no_inline_script(template):
    text = template.read_text(encoding="utf-8")
    assert not _INLINE_SCRIPT.search(text), "move the script to static/js/ (or give it the request's nonce)"
    assert not _INLINE_HANDLER.search(text), "use a data- attribute handled in static/js/portal.js"
    assert not _JS_URL.search(text)

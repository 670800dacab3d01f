"""Login throttling: django-axes locks a username + IP pair after 5 failures for 15 minutes (portal login and the
API token endpoint); the token endpoint is rate-limited per IP as well."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.cache import cache
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from tests import factories as f

pytestmark = pytest.mark.django_db

PASSWORD = "pw-Secret-123"
LOGIN = "/accounts/login/"


@pytest.fixture
def axes_on():
    with override_settings(AXES_ENABLED=True):
        yield


@pytest.fixture
def alice(db):
    return f.UserFactory(username="alice")


def _login(client, password, username="alice", ip="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_defaults_are_five_failures_and_fifteen_minutes_by_username_and_ip():
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME == datetime.timedelta(minutes=15)
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def test_fifth_failure_locks_out_even_the_right_password(axes_on, alice):
    client = Client()
    for _ in range(4):
        response = _login(client, "wrong")
        assert response.status_code == 200  # the form again, with its error
    response = _login(client, "wrong")
    assert response.status_code == 429
    assert 'id="lockout"' in response.content.decode()
    response = _login(client, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    # The attempt made while locked out counts too (and restarts the cool-off).
    assert AccessAttempt.objects.get(username="alice", ip_address="10.0.0.1").failures_since_start == 6


def test_lockout_is_per_username_and_ip(axes_on, alice):
    f.UserFactory(username="bob")
    for _ in range(5):
        _login(Client(), "wrong")
    # Same user from another address, another user from the same address: both still log in.
    assert _login(Client(), PASSWORD, ip="10.0.0.2").status_code == 302
    assert _login(Client(), PASSWORD, username="bob").status_code == 302


def test_lockout_ends_after_the_cool_off(axes_on, alice):
    for _ in range(5):
        _login(Client(), "wrong")
    assert _login(Client(), PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    client = Client()
    response = _login(client, PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(alice.pk)


def test_success_resets_the_failure_count(axes_on, alice):
    for _ in range(4):
        _login(Client(), "wrong")
    assert _login(Client(), PASSWORD).status_code == 302
    for _ in range(4):
        assert _login(Client(), "wrong").status_code == 200
    assert _login(Client(), PASSWORD).status_code == 302


def test_token_endpoint_failures_lock_out_too(axes_on, alice):
    client = APIClient(REMOTE_ADDR="10.0.0.1")
    for _ in range(5):
        response = client.post("/api/token/", {"username": "alice", "password": "wrong"}, format="json")
        assert response.status_code in (400, 429)
    response = client.post("/api/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code in (400, 429)
    assert "token" not in response.json()
    assert AccessAttempt.objects.get(username="alice").failures_since_start >= 5


@pytest.fixture
def token_rate():
    cache.clear()
    with override_settings(API_TOKEN_THROTTLE_RATE="3/min"):
        yield
    cache.clear()


def test_token_endpoint_is_rate_limited_per_ip(token_rate, alice):
    client = APIClient(REMOTE_ADDR="10.0.0.7")
    for _ in range(3):
        response = client.post("/api/token/", {"username": "alice", "password": "wrong"}, format="json")
        assert response.status_code == 400
    response = client.post("/api/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 429
    assert [e["code"] for e in response.json()["errors"]] == ["THROTTLED"]
    assert int(response["Retry-After"]) > 0
    # Another address is not affected.
    other = APIClient(REMOTE_ADDR="10.0.0.8")
    response = other.post("/api/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code == 200


def test_forwarded_for_header_does_not_dodge_the_rate_limit(token_rate, alice):
    # Without trusted proxies (TRUSTED_PROXY_COUNT=0) X-Forwarded-For is the client's word, not its address.
    client = APIClient(REMOTE_ADDR="10.0.0.9")
    codes = [
        client.post(
            "/api/token/",
            {"username": "alice", "password": "wrong"},
            format="json",
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}",
        ).status_code
        for n in range(4)
    ]
    assert codes == [400, 400, 400, 429]


def test_default_rate_is_ten_a_minute_in_production_settings():
    import importlib

    import exporter_portal.settings as production

    assert importlib.reload(production).API_TOKEN_THROTTLE_RATE == "10/min"
    assert reverse("api-token") == "/api/token/"


# --- one address, many usernames (declarations.login_throttle) -----------------------------------------------


def test_ip_limit_default_is_twenty_failures_in_the_cool_off():
    assert settings.LOGIN_IP_FAILURE_LIMIT == 20
    assert settings.AUTHENTICATION_BACKENDS[1] == "declarations.login_throttle.IpLoginThrottleBackend"


@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_one_address_trying_many_usernames_is_locked_out(axes_on, alice):
    # One failure for each of six usernames: none reaches the per-username limit of 5, the address does.
    for n in range(6):
        assert _login(Client(), "wrong", username=f"sprayed{n}", ip="10.9.9.9").status_code == 200
    client = Client()
    response = _login(client, PASSWORD, ip="10.9.9.9")  # even the right password of a real account
    assert response.status_code == 429
    assert "从您的地址对多个账户的登录失败次数过多" in response.content.decode()  # zh-hans, the default
    assert "_auth_user_id" not in client.session
    # The token endpoint asks the same backends: no token from that address either.
    api = APIClient(REMOTE_ADDR="10.9.9.9")
    response = api.post("/api/token/", {"username": "alice", "password": PASSWORD}, format="json")
    assert response.status_code in (400, 429)
    assert "token" not in response.json()
    # Another address is not affected.
    assert _login(Client(), PASSWORD, ip="10.9.9.10").status_code == 302


@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_address_lock_ends_after_the_cool_off(axes_on, alice):
    for n in range(6):
        _login(Client(), "wrong", username=f"sprayed{n}", ip="10.9.9.11")
    assert _login(Client(), PASSWORD, ip="10.9.9.11").status_code == 429
    AccessAttempt.objects.update(
        attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16)
    )
    assert _login(Client(), PASSWORD, ip="10.9.9.11").status_code == 302


@override_settings(LOGIN_IP_FAILURE_LIMIT=6)
def test_below_the_address_limit_logins_go_on(axes_on, alice):
    for n in range(5):
        _login(Client(), "wrong", username=f"sprayed{n}", ip="10.9.9.12")
    assert _login(Client(), PASSWORD, ip="10.9.9.12").status_code == 302

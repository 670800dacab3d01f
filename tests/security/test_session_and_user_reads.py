"""The session engines and the authentication backend read by precompiled SQL and behave as Django's: an expired or
unknown session is empty and its key dropped, an inactive or unknown user is anonymous."""

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.core.cache import caches
from django.test.utils import override_settings
from django.utils import timezone

from declarations.auth_backend import PortalModelBackend
from declarations.sessions import cached_db, db
from tests import factories as f

pytestmark = pytest.mark.django_db

LOCAL_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "sessions"}
}


@pytest.mark.parametrize("engine", [db, cached_db])
def test_a_stored_session_loads_and_an_expired_or_unknown_one_does_not(engine):
    with override_settings(CACHES=LOCAL_CACHE):
        caches["default"].clear()
        store = engine.SessionStore()
        store["language"] = "en"
        store.create()
        key = store.session_key

        assert engine.SessionStore(key).load() == {"language": "en"}

        caches["default"].clear()
        Session.objects.filter(session_key=key).update(
            expire_date=timezone.now() - datetime.timedelta(seconds=1)
        )
        expired = engine.SessionStore(key)
        assert expired.load() == {}
        assert expired.session_key is None

        unknown = engine.SessionStore("x" * 32)
        assert unknown.load() == {}
        assert unknown.session_key is None


def test_the_backend_returns_active_users_only():
    backend = PortalModelBackend()
    active, inactive = f.UserFactory(), f.UserFactory(is_active=False)
    assert backend.get_user(active.pk) == active
    assert backend.get_user(str(active.pk)) == active
    assert backend.get_user(inactive.pk) is None
    for junk in (None, "", "abc", 0, -1, 2**63, 10**40, active.pk + 1000):
        assert backend.get_user(junk) is None, junk


def test_a_logged_in_page_uses_the_backend(client):
    user = f.UserFactory()
    client.force_login(user, backend="declarations.auth_backend.PortalModelBackend")
    response = client.get("/")
    assert response.wsgi_request.user == user
    client.logout()
    assert client.get("/").wsgi_request.user.is_anonymous

"""Password validators refuse weak passwords on password change; the old password keeps working."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db

OLD = "pw-Secret-123"


@pytest.fixture
def user(db):
    return f.UserFactory(username="zhang.wei")


def _change(user, new: str):
    client = Client()
    client.force_login(user)
    return client.post(
        reverse("password_change"), {"old_password": OLD, "new_password1": new, "new_password2": new}
    )


@pytest.mark.parametrize(
    ("weak", "validator_code"),
    [
        ("Ab1-x", "password_too_short"),
        ("password123", "password_too_common"),
        ("8675309214", "password_entirely_numeric"),
        ("zhang.wei1", "password_too_similar"),
    ],
)
def test_weak_password_is_refused(user, weak, validator_code):
    response = _change(user, weak)
    assert response.status_code == 200  # the form again
    errors = response.context["form"].errors.as_data()["new_password2"]
    assert validator_code in [error.code for error in errors]
    user.refresh_from_db()
    assert user.check_password(OLD)
    assert not user.check_password(weak)


def test_strong_password_is_accepted(user):
    response = _change(user, "Kettle-Harbour-2026")
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Kettle-Harbour-2026")

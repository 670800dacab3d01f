"""Issue 22 part 6: navigation for each role — imports in the menu and on the dashboard, the portal's own
password page, favicon.ico."""

import pytest
from django.urls import reverse

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_broker_menu_leads_to_the_import(client_broker):
    body = client_broker.get(reverse("home")).content.decode()
    assert f'href="{reverse("imports:upload")}" id="nav-imports"' in body
    assert client_broker.get(reverse("imports:upload")).status_code == 200


def test_dashboard_lists_the_users_own_recent_uploads_only(client_broker, broker_user, user_a):
    mine = f.ImportJobFactory(user=broker_user, file_name="mine-2026-12.xlsx")
    f.ImportJobFactory(user=user_a, file_name="someone-elses.xlsx")
    response = client_broker.get(reverse("home"))
    assert list(response.context["uploads"]) == [mine]
    body = response.content.decode()
    assert "mine-2026-12.xlsx" in body and "someone-elses.xlsx" not in body
    assert reverse("imports:job", args=[mine.pk]) in body


def test_password_page_is_the_portals_own(client_a):
    response = client_a.get(reverse("password_change"))
    assert response.status_code == 200
    names = [t.name for t in response.templates]
    assert "declarations/password_change_form.html" in names and "base.html" in names
    assert not any(name.startswith("admin/") for name in names)
    body = response.content.decode()
    assert 'class="breadcrumbs"' in body and f'href="{reverse("home")}"' in body
    assert "/admin/" not in body


def test_password_change_done_stays_in_the_portal(client_a, user_a):
    response = client_a.post(
        reverse("password_change"),
        {
            "old_password": "pw-Secret-123",
            "new_password1": "Neu-Pass-2026!x",
            "new_password2": "Neu-Pass-2026!x",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("password_change_done")
    assert "declarations/password_change_done.html" in [t.name for t in response.templates]
    user_a.refresh_from_db()
    assert user_a.check_password("Neu-Pass-2026!x")


def test_password_page_needs_login(client):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # ICONDIR: reserved 0, type 1


def test_pages_link_the_favicon(client_a):
    assert 'rel="icon"' in client_a.get(reverse("home")).content.decode()


def test_english_labels(client_broker):
    body = client_broker.get("/en/").content.decode()
    for text in ("Imports", "Drafts (not declared yet)", "Declared (submitted and later)", "Recent uploads"):
        assert text in body

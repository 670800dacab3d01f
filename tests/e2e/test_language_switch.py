"""The language switcher turns the portal from Chinese (default) to English and back."""

import pytest

from declarations.models import Membership
from tests import factories as f

pytestmark = pytest.mark.e2e


def test_language_switch(live_server, page, login, user):
    Membership.objects.create(user=user, enterprise=f.EnterpriseFactory())
    login(user)
    assert page.get_attribute("html", "lang") == "zh-hans"
    with page.expect_navigation():
        page.select_option("#language-form select", "en")
    assert page.get_attribute("html", "lang") == "en"
    assert page.url == f"{live_server.url}/en/"
    assert page.inner_text("h1") == "Dashboard"
    with page.expect_navigation():
        page.select_option("#language-form select", "zh-hans")
    assert page.url == f"{live_server.url}/"
    assert page.get_attribute("html", "lang") == "zh-hans"

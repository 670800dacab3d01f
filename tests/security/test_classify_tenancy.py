"""The assistant's web route (htmx) answers only for the user's own or delegated enterprises."""

import pytest
from django.urls import reverse

from declarations.selectors_classify import classification_caches_clear
from declarations.services.codes import code_tables_load
from declarations.services.tariff import tariff_load_sample
from tests import factories as f

pytestmark = pytest.mark.django_db
URL = reverse("classify_search")


@pytest.fixture(autouse=True)
def sample(db):
    code_tables_load()
    tariff_load_sample()
    classification_caches_clear()
    yield
    classification_caches_clear()


def client_for(client, enterprise):
    client.force_login(f.MembershipFactory(enterprise=enterprise).user)
    return client


def test_own_history_is_offered(client, exporter_a):
    line = f.DeclarationLineFactory(declaration__enterprise=exporter_a, gname="秘密商品", gcode="8517629900")
    response = client_for(client, exporter_a).get(
        URL, {"classify-q": "秘密商品", "enterprise": line.declaration.enterprise_id}
    )
    assert response.status_code == 200
    assert "8517629900" in response.content.decode()


def test_other_tenant_gets_404_and_nothing_of_a(client, exporter_a, exporter_b):
    f.DeclarationLineFactory(declaration__enterprise=exporter_a, gname="秘密商品", gcode="8517629900")
    response = client_for(client, exporter_b).get(
        URL, {"classify-q": "秘密商品", "enterprise": exporter_a.pk}
    )
    assert response.status_code == 404
    assert "8517629900" not in response.content.decode()
    response = client.get(URL, {"classify-q": "秘密商品"})
    assert response.status_code == 200 and "8517629900" not in response.content.decode()


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL, {"classify-q": "耳机"})
    assert response.status_code == 302 and "login" in response["Location"]

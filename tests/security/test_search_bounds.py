"""Every search is bounded (declarations.search): at most 5 distinct words and 100 characters. A 4,000-word
query built 4,000 LIKE conditions (15-18 s per request); now the API answers it at once with SEARCH_TOO_LONG
naming ``q``, and the portal's boxes search with the bounded query. The proof is the SQL: the number of LIKE
conditions sent to the database, never a timing (timings live in bench/)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from declarations.models import Membership
from declarations.search import SEARCH_MAX_CHARS, SEARCH_MAX_WORDS, search_query
from tests import factories as f

pytestmark = pytest.mark.django_db

HUGE = " ".join(f"word{i}" for i in range(4000))
FIVE = "vacuum flasks of stainless steel"


@pytest.fixture
def user_a(exporter_a):
    return f.MembershipFactory(enterprise=exporter_a, role=Membership.Role.ADMIN).user


@pytest.fixture
def api_a(user_a):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user_a).key}")
    return client


@pytest.fixture
def web_a(user_a):
    client = Client()
    client.force_login(user_a)
    return client


@pytest.fixture
def hs(db):
    f.HSCodeFactory(code="961700", description="Vacuum flasks and other vacuum vessels")
    f.HSCodeFactory(
        code="9617001100", description="Vacuum flasks of stainless steel", parent="961700", level=10
    )


def _likes(queries) -> int:
    return sum(q["sql"].upper().count(" LIKE ") for q in queries)


def _longest_param(queries) -> int:
    return max((len(q["sql"]) for q in queries), default=0)


def test_the_bounds():
    assert (SEARCH_MAX_WORDS, SEARCH_MAX_CHARS) == (5, 100)
    query = search_query(HUGE)
    assert query.truncated and len(query.words) == 5 and len(query.text) <= 100
    assert search_query("  a b a  ").words == ("a", "b")  # a repeated word costs nothing
    assert not search_query(FIVE).truncated


@pytest.mark.parametrize(
    "url", ["/api/codes/hs/", "/api/codes/countries/", "/api/codes/currencies/", "/api/declarations/"]
)
def test_api_refuses_a_4000_word_search_before_querying(api_a, url):
    with CaptureQueriesContext(connection) as queries:
        response = api_a.get(url, {"q": HUGE}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {
            "code": "SEARCH_TOO_LONG",
            "message": "A search may have at most 5 words and 100 characters.",
            "field": "q",
            "gnum": None,
        }
    ]
    assert _likes(queries) == 0


def test_api_refuses_a_single_overlong_word(api_a):
    response = api_a.get("/api/codes/countries/", {"q": "x" * 101})
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "SEARCH_TOO_LONG"


def test_api_searches_five_words_as_before(api_a, hs):
    with CaptureQueriesContext(connection) as queries:
        response = api_a.get("/api/codes/hs/", {"q": FIVE})
    assert response.status_code == 200
    assert [row["code"] for row in response.json()["results"]] == ["9617001100"]
    assert _likes(queries) <= 2 * SEARCH_MAX_WORDS  # COUNT and page


def test_hs_autocomplete_searches_the_first_five_words(web_a, hs):
    with CaptureQueriesContext(connection) as queries:
        response = web_a.get(reverse("hs_search"), {"q": FIVE + " " + HUGE})
    assert response.status_code == 200
    assert [c.code for c in response.context["codes"]] == ["9617001100"]
    assert _likes(queries) == SEARCH_MAX_WORDS
    assert _longest_param(queries) < 2000


def test_declaration_list_says_the_search_is_too_long(web_a):
    with CaptureQueriesContext(connection) as queries:
        response = web_a.get(reverse("declaration_list"), {"q": HUGE}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["q"]
    assert "word1 word2" not in " ".join(q["sql"] for q in queries)


def test_catalogue_search_is_bounded(web_a, exporter_a):
    f.CatalogueItemFactory(enterprise=exporter_a, item_no="word0", item_name="杯")
    with CaptureQueriesContext(connection) as queries:
        response = web_a.get(reverse("catalogue_list"), {"q": HUGE})
    assert response.status_code == 200
    assert "word99 " not in " ".join(q["sql"] for q in queries)


def test_admin_search_is_bounded_too(admin_client):
    f.DeclarationFactory(order_no="word0-order")
    with CaptureQueriesContext(connection) as queries:
        response = admin_client.get("/admin/declarations/declaration/", {"q": HUGE})
    assert response.status_code == 200
    fields = 5  # DeclarationAdmin.search_fields
    assert 0 < _likes(queries) <= 2 * SEARCH_MAX_WORDS * fields  # the count and the page
    assert len(response.context["cl"].result_list) == 0  # the five words are all required, as before

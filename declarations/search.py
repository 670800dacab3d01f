"""Bounds of every search box (code tables, HS, declarations, catalogue): a query is cut to its first
``SEARCH_MAX_CHARS`` characters and ``SEARCH_MAX_WORDS`` distinct words, so one request builds a few LIKE
conditions, never thousands (a 4,000-word query took 15-18 s per request before).

The API refuses a longer query with SEARCH_TOO_LONG (a client should know its search was not run as sent); the
portal's boxes search with the bounded query and say so where a message can be shown.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SEARCH_MAX_CHARS = 100
SEARCH_MAX_WORDS = 5
TOO_LONG_MESSAGE = _("A search may have at most %(words)d words and %(chars)d characters.")


@dataclass(frozen=True)
class SearchQuery:
    text: str  # the bounded query, stripped
    words: tuple[str, ...]  # its distinct words, in order, at most SEARCH_MAX_WORDS
    truncated: bool  # the query as sent was longer (characters or words)


def search_query(raw: str | None) -> SearchQuery:
    text = (raw or "").strip()
    truncated = len(text) > SEARCH_MAX_CHARS
    text = text[:SEARCH_MAX_CHARS].strip()
    words: list[str] = []
    for word in text.split():
        if word not in words:
            words.append(word)
    if len(words) > SEARCH_MAX_WORDS:
        truncated = True
        words = words[:SEARCH_MAX_WORDS]
        text = " ".join(words)
    return SearchQuery(text=text, words=tuple(words), truncated=truncated)


def too_long_message() -> str:
    return str(TOO_LONG_MESSAGE) % {"words": SEARCH_MAX_WORDS, "chars": SEARCH_MAX_CHARS}


def bound_admin_search(model_admin) -> None:
    """Bound one admin list's search box (Django admin ANDs one OR-over-search_fields condition per word): a
    longer search runs with its first SEARCH_MAX_WORDS words, within SEARCH_MAX_CHARS characters."""
    original = model_admin.get_search_results

    def get_search_results(request, queryset, search_term):
        query = search_query(search_term)
        if query.truncated:
            search_term = " ".join(query.words)
        return original(request, queryset, search_term)

    model_admin.get_search_results = get_search_results

"""``SESSION_ENGINE`` with a shared cache (``CACHE_URL``): read from the cache, written through to the database."""

from django.contrib.sessions.backends import cached_db

from declarations.sessions import PrecompiledSessionRead


class SessionStore(PrecompiledSessionRead, cached_db.SessionStore):
    pass

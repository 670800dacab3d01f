"""Session engines: Django's database and cached-database sessions, with the session row read by SQL compiled
once per process (``declarations.precompiled``) instead of a query built and compiled on every request."""

from django.contrib.sessions.models import Session
from django.utils import timezone

from declarations.precompiled import Precompiled

_session_row = Precompiled(lambda _shape, *, key: Session.objects.filter(session_key=key))


class PrecompiledSessionRead:
    """``_get_session_from_db`` as Django's: the unexpired session of this key, or None (and the key dropped)."""

    def _get_session_from_db(self):
        key = self.session_key
        rows = _session_row(key=key) if key else []
        if rows and rows[0].expire_date > timezone.now():
            return rows[0]
        self._session_key = None
        return None

"""``SESSION_ENGINE`` without a shared cache: sessions in the database."""

from django.contrib.sessions.backends import db

from declarations.sessions import PrecompiledSessionRead


class SessionStore(PrecompiledSessionRead, db.SessionStore):
    pass

"""Authentication backend: Django's ModelBackend, with the user of every request read by SQL compiled once per
process (``declarations.precompiled``) instead of a query built and compiled each time."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from declarations.precompiled import Precompiled, as_id

_user = Precompiled(lambda _shape, *, pk: get_user_model()._default_manager.filter(pk=pk))


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        pk = as_id(user_id)
        rows = _user(pk=pk) if pk is not None else []
        return rows[0] if rows and self.user_can_authenticate(rows[0]) else None

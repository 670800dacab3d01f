"""Authentication backend: Django's ModelBackend, with the user of every request read by SQL compiled once per
process (``declarations.precompiled``) instead of a query built and compiled each time."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from declarations.precompiled import Precompiled

BIGINT_MAX = 2**63 - 1

_user = Precompiled(lambda _shape, *, pk: get_user_model()._default_manager.filter(pk=pk))


class PortalModelBackend(ModelBackend):
    def get_user(self, user_id):
        try:
            pk = int(user_id)
        except (TypeError, ValueError):
            return None
        rows = _user(pk=pk) if 0 < pk <= BIGINT_MAX else []
        return rows[0] if rows and self.user_can_authenticate(rows[0]) else None

"""Login throttling per client address across usernames.

django-axes locks one username from one address after AXES_FAILURE_LIMIT failures; someone trying one or two
passwords on each of many usernames (password spraying) never reaches that. This backend, placed right after
axes' own, refuses any login from an address that failed LOGIN_IP_FAILURE_LIMIT times within the cool-off,
whatever the usernames, using the failures axes has already recorded (AccessAttempt rows, so the count holds
across web processes). The refusal goes the axes way: the request is flagged, AxesMiddleware answers 429 with
the lockout page, and the attempt is recorded too.
"""

from axes.backends import AxesStandaloneBackend
from axes.exceptions import AxesBackendPermissionDenied
from axes.handlers.proxy import AxesProxyHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


def ip_failures(ip_address: str) -> int:
    """Failed logins from this address within the cool-off, all usernames together."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    total = AccessAttempt.objects.filter(ip_address=ip_address, attempt_time__gte=since).aggregate(
        total=Sum("failures_since_start")
    )["total"]
    return total or 0


class IpLoginThrottleBackend(AxesStandaloneBackend):
    """Authenticates nobody; refuses every login from an address over the limit (see the module docstring)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        limit = settings.LOGIN_IP_FAILURE_LIMIT
        if request is None or not settings.AXES_ENABLED or not limit:
            return None
        AxesProxyHandler.update_request(
            request
        )  # sets axes_ip_address as axes computes it (proxies included)
        ip_address = getattr(request, "axes_ip_address", None)
        if not ip_address or ip_failures(ip_address) < limit:
            return None
        request.axes_locked_out = True
        request.login_locked_by_address = True  # the lockout page says "this address", not "this account"
        raise AxesBackendPermissionDenied("Too many failed logins from this address")

"""Submitting through the portal as a user does: the confirmation page, then its confirm POST."""

import re

from django.urls import reverse

_FINGERPRINT = re.compile(r'name="fingerprint" value="([0-9a-f]+)"')


def confirm_submit(client, pk: int):
    """GET the confirmation, POST its confirm with the fingerprint shown; returns the POST's response."""
    url = reverse("declaration_submit", args=[pk])
    page = client.get(url)
    found = _FINGERPRINT.search(page.content.decode())
    fingerprint = found.group(1) if found else ""
    return client.post(url, {"confirm": "1", "fingerprint": fingerprint})

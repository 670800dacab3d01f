import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """These tests assert message texts in the source language; translation is tested in tests/i18n."""
    with translation.override("en"):
        yield

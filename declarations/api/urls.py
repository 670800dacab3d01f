"""REST API routes (DRF)."""

urlpatterns: list = []

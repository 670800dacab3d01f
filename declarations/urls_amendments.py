"""Routes of a returned declaration's change (appType 2) and withdrawal (appType 3)."""

from django.urls import path

from declarations.views import amendments

urlpatterns = [
    path(
        "declarations/<int:pk>/amendments/", amendments.declaration_amendments, name="declaration_amendments"
    ),
    path("declarations/<int:pk>/change/", amendments.declaration_change_view, name="declaration_change"),
    path(
        "declarations/<int:pk>/withdraw/", amendments.declaration_withdraw_view, name="declaration_withdraw"
    ),
]

"""Portal routes of delegations (views/delegations.py), included from urls.py."""

from django.urls import path

from declarations.views import delegations

urlpatterns = [
    path("", delegations.delegation_list, name="delegation_list"),
    path("request/", delegations.delegation_request_view, name="delegation_request"),
    path("entrust/", delegations.delegation_entrust_view, name="delegation_entrust"),
    path("<int:pk>/", delegations.delegation_detail, name="delegation_detail"),
    path("<int:pk>/accept/", delegations.delegation_accept_view, name="delegation_accept"),
    path("<int:pk>/refuse/", delegations.delegation_refuse_view, name="delegation_refuse"),
    path("<int:pk>/end/", delegations.delegation_end_view, name="delegation_end"),
]

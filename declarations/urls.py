"""Portal (web) routes; views live in declarations/views/."""

from django.urls import path

from declarations.views.home import home

urlpatterns = [
    path("", home, name="home"),
]

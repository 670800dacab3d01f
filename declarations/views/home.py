"""Home page: the user's enterprises and their declarations (tenant-scoped)."""

from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from declarations.selectors import declarations_for_user, enterprises_for_user


@login_required
def home(request):
    return render(
        request,
        "declarations/home.html",
        {
            "enterprises": enterprises_for_user(user=request.user),
            "declarations": declarations_for_user(user=request.user)[:50],
        },
    )


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from declarations.views.assets import favicon
from declarations.views.home import healthz

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("healthz", healthz, name="healthz"),
    path("favicon.ico", favicon, name="favicon"),
    path("api/", include("declarations.api.urls")),
]
urlpatterns += i18n_patterns(
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    # The portal's own pages (Django admin's templates would lead back to the admin).
    path(
        "accounts/password_change/",
        auth_views.PasswordChangeView.as_view(template_name="declarations/password_change_form.html"),
        name="password_change",
    ),
    path(
        "accounts/password_change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="declarations/password_change_done.html"),
        name="password_change_done",
    ),
    path("admin/", admin.site.urls),
    path("", include("declarations.urls")),
    prefix_default_language=False,
)

# A request Django refuses before any view (a body over DATA_UPLOAD_MAX_MEMORY_SIZE): JSON under /api/.
handler400 = "declarations.api.errors.bad_request"

"""URL configuration: one login for every role, the admin back office, and the dashboards."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from config import views

admin.site.site_header = "Jangkau · BPJS Ketenagakerjaan"
admin.site.site_title = "Jangkau"
admin.site.index_title = _("Kantor belakang")

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password_change/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("i18n/", include("django.conf.urls.i18n")),
    # before the admin's own "view on site" (admin:view_on_site), which tells existing objects from missing ones;
    # behind the admin's login like the rest of /admin/
    path("admin/r/<path:content_type_id>/<path:object_id>/", admin.site.admin_view(views.view_on_site)),
    path("admin/", admin.site.urls),
    path("api/", include("published.api_urls")),
    path("", include("subsidies.urls")),
    path("", include("regions.urls")),
    path("", include("outreach.urls")),
    path("", include("published.urls")),
    path("", include("commitments.urls")),
    path("", include("rapor.urls")),
]

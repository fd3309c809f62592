from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from django.views.i18n import set_language

from people.views import PasswordChangeView
from sso.forms import SsoAwareAuthenticationForm
from sso.views import logout

admin.site.site_header = _("Conduct Portal administration")
admin.site.site_title = _("Conduct Portal")

urlpatterns = [
    path("", include("portal.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(authentication_form=SsoAwareAuthenticationForm), name="login"),
    # Before Django's own: the old password is checked against the sign-in lockout.
    path("accounts/password_change/", PasswordChangeView.as_view(), name="password_change"),
    # Before Django's own: after a single sign-on it offers the provider's sign-out too.
    path("accounts/logout/", logout, name="logout"),
    path("accounts/", include("django.contrib.auth.urls")),
    # django-allauth's OpenID Connect sign-in: /sso/oidc/<provider id>/login/ and .../login/callback/.
    path("sso/", include("allauth.socialaccount.providers.openid_connect.urls")),
    path("people/", include("people.urls")),
    path("codes/", include("codes.urls")),
    path("search/", include("search.urls")),
    path("acknowledgements/", include("acknowledgements.urls")),
    path("kiosk/", include("acknowledgements.kiosk_urls")),
    path("training/", include("training.urls")),
    path("questions/", include("questions.urls")),
    path("cases/", include("cases.urls")),
    path("audit/", include("audit.urls")),
    path("evidence/", include("evidence.urls")),
    path("notifications/", include("reminders.urls")),
    path("privacy/", include("privacy.urls")),
    path("scim/v2/", include("scim.urls")),
    # /api/v1/ and /profile/api-tokens/.
    path("", include("api.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # The admin's own password change checks the old password without the sign-in lockout: send it
    # to the portal's, which counts wrong ones (people.services.person_reauthenticate).
    path("admin/password_change/", RedirectView.as_view(pattern_name="password_change")),
    path("admin/", admin.site.urls),
]

from django.urls import include, path

from tillit.core import metrics
from tillit.core import views as core_views
from tillit.organisations.views import start as organisation_start

urlpatterns = [
    path("", organisation_start.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("ready/", core_views.ready, name="ready"),
    path("metrics/", metrics.metrics, name="metrics"),
    path("bare/", core_views.bare, name="bare"),
    path("accessibility/", core_views.accessibility, name="accessibility"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("tillit.accounts.urls")),
    path("o/", include("tillit.organisations.urls")),
    path("", include("tillit.workshops.urls")),
    path("", include("tillit.dialogues.urls")),
    path("", include("tillit.barometer.urls")),
    path("", include("tillit.voice.urls")),
    path("", include("tillit.live.urls")),
    path("", include("tillit.steering.urls")),
]

handler400 = "tillit.core.views.bad_request"
handler403 = "tillit.core.views.permission_denied"
handler404 = "tillit.core.views.page_not_found"
handler500 = "tillit.core.views.server_error"

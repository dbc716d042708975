from django.conf import settings
from django.urls import include, path
from django.views.generic import RedirectView
from django.views.static import serve

from concierge.system.views import healthz

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="portal:home", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("", include("concierge.people.urls")),
    path("", include("concierge.tickets.urls")),
    path("", include("concierge.mail.urls")),
    path("", include("concierge.automation.urls")),
    path("", include("concierge.sla.urls")),
    path("portal/", include("concierge.portal.urls")),
    path("help/", include("concierge.helpcenter.urls")),
]

if not settings.PRODUCTION:
    # Attachments are served through access-checked views; this only serves public
    # media (logos) on the embedded default. Production puts media behind its storage.
    urlpatterns.append(
        path("media/public/<path:path>", serve, {"document_root": settings.MEDIA_ROOT / "public"})
    )

"""Pages of the automation app; each feature lists its own patterns here."""

from django.urls import URLPattern, URLResolver

from concierge.automation import (
    macros_urls,
    playbooks_urls,
    routing_urls,
    rules_urls,
    triggers_urls,
)

app_name = "automation"

urlpatterns: list[URLPattern | URLResolver] = []
urlpatterns += macros_urls.urlpatterns
urlpatterns += triggers_urls.urlpatterns
urlpatterns += rules_urls.urlpatterns
urlpatterns += routing_urls.urlpatterns
urlpatterns += playbooks_urls.urlpatterns

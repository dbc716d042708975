"""Pages of the automation app; each feature lists its own patterns here."""

from django.urls import URLPattern, URLResolver

app_name = "automation"

urlpatterns: list[URLPattern | URLResolver] = []

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from concierge.system.health import health


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    healthy, report = health()
    return JsonResponse(report, status=200 if healthy else 503)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    return render(request, "system/rate_limited.html", status=429)

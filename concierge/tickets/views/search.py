"""Quick search from the top bar: a ticket number jumps straight to the ticket."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from concierge.tickets.queries import quick_search
from concierge.tickets.views.access import agent_required

MAX_QUERY_LENGTH = 200


@agent_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    results = quick_search(request.user, query) if query else []
    number = query.lstrip("#")
    if number.isdigit() and len(results) == 1 and results[0].number == int(number):
        return redirect("tickets:detail", number=results[0].number)
    # A requester without a name is shown by e-mail address: read them all at once.
    prefetch_related_objects(results, "requester__identities")
    return render(request, "tickets/search.html", {"query": query, "results": results})

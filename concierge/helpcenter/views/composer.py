"""The article search inside a ticket's composer: results rendered for htmx, with buttons
that put an article's link or text into the reply (see static/helpcenter/composer.js)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from concierge.helpcenter.composer import composer_articles, customer_language
from concierge.search.parsing import MAX_QUERY_LENGTH
from concierge.tickets.queries import ticket_for_user
from concierge.tickets.views.access import agent_required


@agent_required
@require_GET
def composer_search(request: HttpRequest, number: int) -> HttpResponse:
    # The ticket decides the customer's language, and an agent who may not open the
    # ticket gets the same 404 as for the ticket itself.
    ticket = ticket_for_user(request.user, number)
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    language = customer_language(ticket)
    found = composer_articles(request.user, query, language=language) if query else []
    return render(
        request,
        "helpcenter/_composer_results.html",
        {"query": query, "found": found, "language": language},
    )

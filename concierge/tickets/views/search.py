"""Ticket search for agents (the top bar's box): ranked by the search engine, narrowed by
the inbox's filters, limited to the tickets this agent may open, with the matching words
highlighted. A ticket number jumps straight to the ticket."""

from __future__ import annotations

from django.db.models import prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from concierge.people.models import Team
from concierge.people.queries import active_agents
from concierge.search.parsing import MAX_QUERY_LENGTH
from concierge.search.queries import search_tickets
from concierge.tickets.forms import InboxFilterForm
from concierge.tickets.views.access import agent_required

RESULTS = 50


@agent_required
@require_GET
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:MAX_QUERY_LENGTH]
    # Only names for the drop-downs, as in the inbox's filter bar.
    agents = list(active_agents().only("id", "full_name", "email"))
    filter_form = InboxFilterForm(request.GET, agents=agents, teams=list(Team.objects.all()))
    # Results come in order of relevance: the inbox's sort has no place here.
    del filter_form.fields["sort"]
    filter_form.is_valid()
    filters = filter_form.chosen_filters()
    hits = search_tickets(request.user, query, filters=filters, limit=RESULTS) if query else []
    number = query.lstrip("#")
    if (
        number.isascii()
        and number.isdigit()
        and len(hits) == 1
        and hits[0].ticket.number == int(number)
    ):
        return redirect("tickets:detail", number=hits[0].ticket.number)
    # A requester without a name is shown by e-mail address: read them all at once.
    prefetch_related_objects([hit.ticket for hit in hits], "requester__identities")
    return render(
        request,
        "tickets/search.html",
        {"query": query, "hits": hits, "filter_form": filter_form, "filtered": bool(filters)},
    )

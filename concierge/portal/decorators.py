"""Who may open a customer page: signed-in customers; agents are sent to their own pages."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from concierge.people.models import Customer
from concierge.people.queries import is_agent
from concierge.tickets.queries import customer_of

CustomerView = Callable[..., HttpResponse]


def customer_required(
    agent_url: Callable[..., str] | None = None,
) -> Callable[[CustomerView], Callable[..., HttpResponse]]:
    """Call the view with the signed-in customer as its second argument.

    Anonymous visitors go to the portal's sign-in page and come back afterwards. An agent
    is sent to `agent_url(**view_kwargs)` (the same thing in the agent workspace) where
    there is one, and gets a 404 where there is none: the portal never shows an agent a
    customer's view of a ticket, which would hide the internal notes they expect to see.
    """

    def decorator(view: CustomerView) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path(), reverse("portal:login"))
            if is_agent(request.user):
                if agent_url is None:
                    raise Http404
                return HttpResponseRedirect(agent_url(**kwargs))
            customer: Customer | None = customer_of(request.user)
            if customer is None:
                raise Http404
            return view(request, customer, *args, **kwargs)

        return wrapped

    return decorator

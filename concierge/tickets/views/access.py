"""Who may use the agent workspace, and how a refusal looks."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django_htmx.http import HttpResponseClientRedirect

from concierge.people.queries import is_agent

View = Callable[..., HttpResponse]


def agent_required(view: View) -> View:
    """Agents only. Anonymous people are sent to sign in; everyone else gets a 404,
    so the workspace does not even admit that the page exists."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            if request.htmx:
                # The session ended while the page stayed open: send the whole window to
                # sign in (and back to that page), not a login form into a page fragment.
                back = request.htmx.current_url_abs_path or request.get_full_path()
                return HttpResponseClientRedirect(redirect_to_login(back)["Location"])
            return redirect_to_login(request.get_full_path())
        if not is_agent(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapper


def refuse(request: HttpRequest, message: str) -> HttpResponse:
    """Answer 403 with a sentence saying why: the person may see this, but not do it."""
    template = "tickets/_refused.html" if request.htmx else "tickets/refused.html"
    return render(request, template, {"message": message}, status=403)

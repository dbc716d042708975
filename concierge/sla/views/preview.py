"""Settings: preview the due times a policy gives a ticket arriving at some instant."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from concierge.people.queries import admin_or_404
from concierge.sla.calendar import CalendarError
from concierge.sla.forms.preview import PreviewForm
from concierge.sla.preview import preview_policy, stored_policy_rules
from concierge.tickets.models import Priority


@login_required
@require_GET
def preview(request: HttpRequest) -> HttpResponse:
    """A GET form: the answer is a page one can bookmark or send to a colleague."""
    admin_or_404(request.user)
    asked = "policy" in request.GET
    initial = {"at": timezone.localtime().replace(second=0, microsecond=0)}
    form = PreviewForm(request.GET if asked else None, initial=initial)
    result = None
    if asked and form.is_valid():
        data = form.cleaned_data
        try:
            result = preview_policy(
                stored_policy_rules(data["policy"]), at=data["at"], priority=data["priority"]
            )
        except (CalendarError, ValueError) as error:
            form.add_error(None, _("No due time can be computed: %(error)s") % {"error": error})
    return render(
        request,
        "sla/settings/preview.html",
        {
            "section": "sla",
            "tab": "preview",
            "form": form,
            "result": result,
            "priority_label": Priority(result.priority).label if result else "",
        },
        status=422 if asked and not form.is_valid() else 200,
    )

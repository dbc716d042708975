"""The contact form's side of deflection counting, for the portal's contact view.

A visit starts when the contact form shows suggested articles (the suggestion view puts
a random visit token in the session); opening one of them starts the visit's window
(`deflection_article_opened`). When the form is then submitted, the visit is marked
submitted and the token forgotten, so the next visit starts afresh.
"""

from __future__ import annotations

from django.contrib.sessions.backends.base import SessionBase

from concierge.helpcenter.services import deflection_contact_submitted
from concierge.helpcenter.views.portal import VISIT_SESSION_KEY


def contact_form_submitted(session: SessionBase) -> None:
    visit = session.pop(VISIT_SESSION_KEY, None)
    if isinstance(visit, str):
        deflection_contact_submitted(visit=visit)

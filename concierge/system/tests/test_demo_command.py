"""`concierge demo` on a real commit: it reports what it loaded and e-mails nobody.

Kept apart from test_demo.py, whose tests share one desk inside a transaction that a
committing test must not run in.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command


# A real commit, so that what the load queues "on commit" does run.
@pytest.mark.django_db(transaction=True)
def test_the_command_loads_and_reports_what_it_made_without_sending_email() -> None:
    out = StringIO()

    call_command("demo", stdout=out)

    assert "Loaded 200 tickets" in out.getvalue()
    assert "customer@example.com" in out.getvalue()
    # The history is weeks old: nobody is notified of replies "sent" while loading.
    assert mail.outbox == []

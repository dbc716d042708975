"""Deflection through the pages: suggestions on the contact form, an article opened from
them, and a request sent (or not) afterwards."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from concierge.helpcenter.models import ContactDeflection, DeflectionState
from concierge.helpcenter.services import deflections_decide_due

pytestmark = pytest.mark.django_db


def open_suggestion(client, query):
    page = client.get(reverse("helpcenter:suggest"), {"q": query, "source": "contact"}).content
    link = re.search(r'<a href="([^"]+)" target="_blank"', page.decode()).group(1)
    return client.get(link.replace("&amp;", "&"))


def test_the_contact_form_has_a_place_for_suggestions(client):
    page = client.get(reverse("portal:contact")).content.decode()
    assert "data-contact-suggest" in page
    assert "helpcenter/suggest.js" in page


def test_opening_a_suggested_article_and_leaving_counts_once(client, article):
    open_suggestion(client, "password")
    deflection = ContactDeflection.objects.get()
    assert deflection.state == DeflectionState.PENDING
    later = timezone.now() + dt.timedelta(hours=1)
    assert deflections_decide_due(now=later) == 1
    assert deflections_decide_due(now=later) == 0


def test_sending_the_request_after_reading_is_no_deflection(client, article):
    open_suggestion(client, "password")
    response = client.post(
        reverse("portal:contact"),
        {
            "name": "Kai",
            "email": "kai@example.com",
            "subject": "Password",
            "message": "Still stuck.",
        },
    )
    assert response.status_code == 302
    assert ContactDeflection.objects.get().state == DeflectionState.SUBMITTED
    assert deflections_decide_due(now=timezone.now() + dt.timedelta(hours=1)) == 0


def test_suggestions_alone_are_no_deflection(client, article):
    client.get(reverse("helpcenter:suggest"), {"q": "password", "source": "contact"})
    assert ContactDeflection.objects.count() == 0

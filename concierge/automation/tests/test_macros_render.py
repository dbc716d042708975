"""Macro texts are untrusted templates: they fill placeholders and can do nothing else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from concierge.automation.macros_render import (
    PLACEHOLDERS,
    check_macro_text,
    render_macro_text,
)
from concierge.people.models import Organization, OrganizationMembership
from concierge.tickets.models import Channel
from concierge.tickets.services import ticket_create


def render(text, ticket, agent, language="en"):
    return render_macro_text(text, ticket=ticket, agent=agent, language=language)


def test_it_fills_in_every_placeholder(ticket, agent, customer, settings):
    settings.BRAND_NAME = "Lampshop"
    settings.SITE_URL = "https://desk.example.com"
    agent.signature = "Aino, Lampshop support"
    organization = Organization.objects.create(name="Valo Oy")
    ticket.organization = organization
    text = " | ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS)

    rendered = render(text, ticket, agent)

    assert rendered.split(" | ") == [
        "Kirsi",
        "Kirsi Customer",
        "customer@example.com",
        str(ticket.number),
        "Order arrived damaged",
        "New",
        "Normal",
        f"https://desk.example.com/portal/requests/{ticket.number}/",
        "Aino",
        "Aino Agent",
        "Aino, Lampshop support",
        "Valo Oy",
        "Lampshop",
    ]


def test_status_and_priority_read_in_the_language_asked_for(ticket, agent):
    assert render("{{ ticket.status }}", ticket, agent, "ru") == "Новый"
    assert render("{{ ticket.status }}", ticket, agent, "en") == "New"


def test_values_come_out_as_plain_text_not_html(agent, support_team):
    from concierge.people.services import customer_find_or_create_by_email

    hostile = customer_find_or_create_by_email(
        email="obrien@example.com", full_name="O'Brien <b>&</b> Sons", language="en"
    )
    ticket = ticket_create(
        requester=hostile, subject="{{ settings.SECRET_KEY }}", body_text="x", channel=Channel.WEB
    )

    rendered = render("Dear {{ customer.name }}: {{ ticket.subject }}", ticket, agent)

    # The subject a customer typed is a value, never read again as a template.
    assert rendered == "Dear O'Brien <b>&</b> Sons: {{ settings.SECRET_KEY }}"


def test_if_and_the_case_filters_work(ticket, agent, customer):
    text = "Hello{% if customer.first_name %} {{ customer.first_name|upper }}{% endif %}!"
    assert render(text, ticket, agent) == "Hello KIRSI!"
    customer.full_name = ""
    customer.save(update_fields=["full_name"])
    ticket.refresh_from_db()
    assert render(text, ticket, agent) == "Hello!"
    assert render("Hi {{ customer.first_name|default:'there' }}", ticket, agent) == "Hi there"


@pytest.mark.parametrize(
    "hostile",
    [
        "{% load i18n %}{% translate 'x' %}",
        "{% include 'base.html' %}",
        "{% extends 'base.html' %}",
        "{% debug %}",
        "{% csrf_token %}",
        "{% url 'tickets:inbox' %}",
        "{% now 'Y' %}",
        "{% for x in ticket %}{% endfor %}",
        "{{ customer.__class__ }}",
        "{{ customer.first_name|safe }}",
        "{{ customer.first_name|pprint }}",
    ],
)
def test_tags_and_filters_beyond_the_sandbox_are_refused_when_saved(hostile):
    with pytest.raises(ValidationError) as refused:
        check_macro_text(hostile)
    assert refused.value.code == "syntax"


@pytest.mark.parametrize(
    ("hostile", "named"),
    [
        ("{{ ticket.requester.user.password }}", "ticket.requester.user.password"),
        ("{{ settings.SECRET_KEY }}", "settings.SECRET_KEY"),
        ("{{ agent.password }}", "agent.password"),
        ("{{ customer.first_name.upper }}", "customer.first_name.upper"),
        ("{{ customer.first_name|default:agent.email }}", "agent.email"),
        ("{% if request.user.is_superuser %}x{% endif %}", "request.user.is_superuser"),
        ("{% if ticket.number and not ticket.requester %}x{% endif %}", "ticket.requester"),
    ],
)
def test_anything_but_the_listed_placeholders_is_refused_by_name(hostile, named):
    with pytest.raises(ValidationError) as refused:
        check_macro_text(hostile)
    assert refused.value.code == "placeholder"
    assert f"{{{{ {named} }}}}" in refused.value.message % refused.value.params


@pytest.mark.parametrize(
    "hostile",
    [
        "{{ ticket.requester.user.password }}",
        "{{ settings.SECRET_KEY }}",
        "{{ agent }}",
        "{{ customer.first_name.upper }}",
        "{{ customer.first_name.format }}",
        "{{ customer.items }}",
    ],
)
def test_even_unchecked_text_reaches_nothing_behind_the_values(hostile, ticket, agent, settings):
    """A text stored without the check (an import, an old row) still leaks nothing."""
    settings.SECRET_KEY = "s3cret-value-for-the-test"
    assert render(f"[{hostile}]", ticket, agent) == "[]"


def test_a_text_that_no_longer_compiles_is_shown_as_written(ticket, agent):
    assert render("{% load i18n %} Hello", ticket, agent) == "{% load i18n %} Hello"


def test_the_listed_placeholders_pass_the_check():
    check_macro_text(" ".join(f"{{{{ {name} }}}}" for name in PLACEHOLDERS))
    check_macro_text(
        "{% if ticket.status == 'New' %}new{% elif agent.name %}x{% else %}y{% endif %}"
    )


def test_a_customer_without_organization_gives_an_empty_name(ticket, agent):
    OrganizationMembership.objects.all().delete()
    assert render("[{{ organization.name }}]", ticket, agent) == "[]"

"""Signing in by e-mailed link: it works once, expires, and tells nobody who is a customer."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from concierge.people.models import Role, User
from concierge.people.services import customer_find_or_create_by_email
from concierge.portal.tests.conftest import magic_link_path
from concierge.portal.tokens import magic_link_token, magic_link_tokens

pytestmark = pytest.mark.django_db

# Masked CSRF tokens differ on every page; nothing else may.
CSRF_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


def login_url() -> str:
    return reverse("portal:login")


def signed_in_user_id(client: Client) -> str | None:
    return client.session.get("_auth_user_id")


def ask_for_link(client: Client, email: str, next: str = "", **headers: str):
    data = {"email": email, "next": next} if next else {"email": email}
    return client.post(login_url(), data, **headers)


def test_the_sign_in_page_asks_for_an_address(client):
    response = client.get(login_url())

    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()


def test_the_whole_magic_link_flow(client, customer, mailoutbox):
    response = ask_for_link(client, "customer@example.com")

    assert response.status_code == 200
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert mail.to == ["customer@example.com"]
    # The customer reads Finnish, so the subject is the Finnish one.
    with translation.override("fi"):
        subject = render_to_string(
            "portal/emails/magic_link-subject.txt", {"brand_name": settings.BRAND_NAME}
        )
    assert mail.subject == " ".join(subject.split())
    assert mail.subject != "Your sign-in link for Concierge"
    link = magic_link_path(mail)
    assert link in mail.alternatives[0][0].replace("&amp;", "&")

    # Opening the link only asks to confirm: a mail scanner's GET signs nobody in.
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "customer@example.com" in confirm.content.decode()
    assert signed_in_user_id(client) is None

    signed_in = client.post(link)
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("portal:request_list")
    assert signed_in_user_id(client) == str(customer.user.pk)
    assert client.get(reverse("portal:request_list")).status_code == 200

    # The link works once.
    stranger = Client()
    assert stranger.get(link).status_code == 400
    assert stranger.post(link).status_code == 400
    assert signed_in_user_id(stranger) is None


def test_a_customer_without_an_account_gets_one_on_first_sign_in(client, mailoutbox):
    newcomer = customer_find_or_create_by_email(email="new@example.org", full_name="Nia New")
    assert newcomer.user is None

    ask_for_link(client, "New@Example.org")
    client.post(magic_link_path(mailoutbox[0]))

    newcomer.refresh_from_db()
    assert newcomer.user is not None
    assert newcomer.user.role == Role.CUSTOMER
    assert signed_in_user_id(client) == str(newcomer.user.pk)


def test_a_link_expires(client, customer, mailoutbox, monkeypatch, settings):
    settings.MAGIC_LINK_MAX_AGE_SECONDS = 600
    ask_for_link(client, "customer@example.com")
    link = magic_link_path(mailoutbox[0])

    later = dt.datetime.now() + dt.timedelta(seconds=601)
    monkeypatch.setattr(magic_link_tokens, "_now", lambda: later)

    response = client.get(link)
    assert response.status_code == 400
    assert "no longer works" in response.content.decode()
    assert client.post(link).status_code == 400
    assert signed_in_user_id(client) is None


def test_a_link_still_works_just_before_it_expires(client, customer, mailoutbox, monkeypatch):
    ask_for_link(client, "customer@example.com")
    link = magic_link_path(mailoutbox[0])

    nearly = dt.datetime.now() + dt.timedelta(seconds=1790)
    monkeypatch.setattr(magic_link_tokens, "_now", lambda: nearly)

    client.post(link)
    assert signed_in_user_id(client) == str(customer.user.pk)


def test_an_unknown_address_gets_no_mail_but_the_same_page(client, customer, mailoutbox):
    known = ask_for_link(client, "customer@example.com")
    unknown = ask_for_link(client, "nobody@example.com")

    assert len(mailoutbox) == 1
    assert known.status_code == unknown.status_code == 200

    def normalized(response) -> str:
        html = CSRF_TOKEN.sub("", response.content.decode())
        return html.replace("customer@example.com", "@").replace("nobody@example.com", "@")

    assert normalized(known) == normalized(unknown)


def test_an_agents_address_gets_no_link(client, agent, mailoutbox):
    ask_for_link(client, "agent@example.com")

    assert mailoutbox == []


def test_a_bad_address_is_a_field_error(client, mailoutbox):
    response = ask_for_link(client, "not an address")

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert "not an address" in response.content.decode()
    assert mailoutbox == []


def test_the_link_brings_the_customer_back_where_they_were(client, customer, ticket, mailoutbox):
    target = reverse("portal:request_detail", args=[ticket.number])

    page = client.get(target)
    assert page.status_code == 302
    assert page["Location"].startswith(login_url())
    ask_for_link(client, "customer@example.com", next=target)
    response = client.post(magic_link_path(mailoutbox[0]))

    assert response["Location"] == target


def test_a_link_never_sends_anyone_to_another_site(client, customer, mailoutbox):
    ask_for_link(client, "customer@example.com", next="https://evil.example/steal")
    link = magic_link_path(mailoutbox[0])

    assert "evil" not in link
    response = client.post(link + "?next=https://evil.example/")
    assert response["Location"] == reverse("portal:request_list")


def test_forged_and_malformed_links_fail(client, customer):
    token = magic_link_token(customer.user)
    uid, _, signature = token.partition(".")
    forged = f"{uid}.{signature[:-1]}{'0' if signature[-1] != '0' else '1'}"

    for value in (forged, "nonsense", "MQ.abc-def", f"{uid}."):
        assert client.get(reverse("portal:magic", args=[value])).status_code == 400
    assert signed_in_user_id(client) is None


def test_a_link_never_signs_in_an_agent(client, agent):
    token = magic_link_token(agent)

    assert client.post(reverse("portal:magic", args=[token])).status_code == 400
    assert signed_in_user_id(client) is None


def test_a_deactivated_account_cannot_use_its_link(client, customer):
    token = magic_link_token(customer.user)
    User.objects.filter(pk=customer.user.pk).update(is_active=False)

    assert client.post(reverse("portal:magic", args=[token])).status_code == 400


def test_choosing_a_password_ends_outstanding_links(client, customer):
    token = magic_link_token(customer.user)
    customer.user.set_password("a new and long passphrase")
    customer.user.save(update_fields=["password"])

    assert client.post(reverse("portal:magic", args=[token])).status_code == 400


def test_sign_in_link_requests_are_rate_limited(client, customer, mailoutbox, rate_limits):
    rate_limits.MAGIC_LINK_RATE = "2/h"

    assert ask_for_link(client, "customer@example.com").status_code == 200
    assert ask_for_link(client, "customer@example.com").status_code == 200
    assert ask_for_link(client, "customer@example.com").status_code == 429
    assert len(mailoutbox) == 2


def test_one_inbox_cannot_be_flooded_from_many_addresses(client, customer, mailoutbox, rate_limits):
    rate_limits.MAGIC_LINK_RATE = "1/h"

    first = client.post(login_url(), {"email": "customer@example.com"}, REMOTE_ADDR="198.51.100.1")
    second = client.post(login_url(), {"email": "customer@example.com"}, REMOTE_ADDR="198.51.100.2")

    assert first.status_code == 200
    assert second.status_code == 429
    assert len(mailoutbox) == 1


def test_a_signed_in_customer_skips_the_sign_in_page(login, customer):
    response = login(customer.user).get(login_url())

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:request_list")


# --- the optional password ----------------------------------------------------------------------


def test_the_password_page_needs_a_signed_in_customer(client, login, agent):
    response = client.get(reverse("portal:password"))
    assert response.status_code == 302
    assert response["Location"].startswith(login_url())

    assert login(agent).get(reverse("portal:password")).status_code == 404


def test_a_customer_sets_a_password_and_signs_in_with_it(login, customer):
    client = login(customer.user)
    listing = client.get(reverse("portal:request_list")).content.decode()
    assert f'href="{reverse("portal:password")}"' in listing
    new_password = "Kuusi palaa, seitsemän lumessa"

    response = client.post(
        reverse("portal:password"),
        {"new_password1": new_password, "new_password2": new_password},
    )

    assert response.status_code == 302
    # Still signed in on this browser after the change.
    assert signed_in_user_id(client) == str(customer.user.pk)
    other_browser = Client()
    signed_in = other_browser.post(
        reverse("people:login"), {"username": "customer@example.com", "password": new_password}
    )
    assert signed_in.status_code == 302
    assert signed_in["Location"] == reverse("portal:request_list")
    assert signed_in_user_id(other_browser) == str(customer.user.pk)


def test_mismatched_passwords_are_a_field_error(login, customer):
    client = login(customer.user)

    response = client.post(
        reverse("portal:password"),
        {"new_password1": "first long passphrase", "new_password2": "second long passphrase"},
    )

    assert response.status_code == 200
    assert "new_password2" in response.context["form"].errors
    customer.user.refresh_from_db()
    assert not customer.user.check_password("first long passphrase")


def test_the_link_is_written_in_the_customers_language(client, customer, monkeypatch):
    from concierge.portal import services

    languages: list[str] = []
    real_render = services.render_email

    def recording_render(name, context, language):
        languages.append(language)
        return real_render(name, context, language)

    monkeypatch.setattr(services, "render_email", recording_render)
    newcomer = customer_find_or_create_by_email(email="yeni@example.org")

    ask_for_link(client, "customer@example.com", HTTP_ACCEPT_LANGUAGE="tr")
    client.post(login_url(), {"email": "yeni@example.org"}, HTTP_ACCEPT_LANGUAGE="tr")

    # Kirsi chose Finnish; a customer with no choice gets the language they asked in.
    assert languages == ["fi", "tr"]
    assert newcomer.language == ""

"""The portal's frame and home page: brand, navigation, language picker, strict CSP markup."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.test import RequestFactory
from django.urls import reverse

from concierge.portal.throttle import client_ip
from concierge.portal.tokens import magic_link_tokens

pytestmark = pytest.mark.django_db

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)


def test_the_home_page_welcomes_and_points_to_the_contact_form(client):
    response = client.get(reverse("portal:home"))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="portal"' in html
    assert 'class="portal-header"' in html
    assert f'href="{reverse("portal:contact")}"' in html
    assert f'href="{reverse("portal:login")}"' in html
    assert "Sign out" not in html
    assert "portal/portal.css" in html
    assert reverse("people:brand_css") in html


def test_the_site_root_leads_to_the_portal(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == reverse("portal:home")


def test_the_brand_comes_from_the_settings(client, settings):
    settings.BRAND_NAME = "Lumo Lamps"
    settings.BRAND_LOGO_URL = "/media/public/lumo.png"

    html = client.get(reverse("portal:home")).content.decode()

    assert "Lumo Lamps" in html
    assert 'src="/media/public/lumo.png"' in html


def test_the_language_picker_names_each_language_in_itself(client):
    html = client.get(reverse("portal:home")).content.decode()

    assert f'action="{reverse("people:set_language")}"' in html
    for code, name in (("en", "English"), ("ru", "Русский"), ("tr", "Türkçe"), ("fi", "Suomi")):
        assert re.search(rf'<option value="{code}" lang="{code}"[^>]*>{name}</option>', html)
    assert '<label for="portal-language">' in html


def test_choosing_a_language_keeps_the_visitor_on_the_page(client):
    response = client.post(
        reverse("people:set_language"), {"language": "tr", "next": reverse("portal:contact")}
    )

    assert response["Location"] == reverse("portal:contact")
    page = client.get(reverse("portal:contact"))
    assert page["Content-Language"] == "tr"
    assert re.search(r'<option value="tr" lang="tr" selected>', page.content.decode())


def test_a_signed_in_customer_sees_their_requests_and_can_sign_out(login, customer, ticket):
    html = login(customer.user).get(reverse("portal:home")).content.decode()

    assert f'href="{reverse("portal:request_list")}"' in html
    assert "Sign out" in html
    assert "Hello Kirsi" in html
    assert "Order arrived damaged" in html
    assert f'action="{reverse("people:logout")}"' in html


def test_signing_out_returns_to_the_portal(login, customer):
    client = login(customer.user)

    response = client.post(reverse("people:logout"), {"next": reverse("portal:home")})

    assert response["Location"] == reverse("portal:home")
    assert "_auth_user_id" not in client.session


def test_a_customers_profile_page_uses_the_portal_frame(login, customer):
    html = login(customer.user).get(reverse("people:profile")).content.decode()

    assert 'class="portal-header"' in html


def test_pages_carry_no_inline_script_or_style(login, customer, ticket):
    client = login(customer.user)
    for url in (
        reverse("portal:home"),
        reverse("portal:contact"),
        reverse("portal:request_list"),
        reverse("portal:request_detail", args=[ticket.number]),
        reverse("portal:password"),
    ):
        html = client.get(url).content.decode()
        assert " style=" not in html, url
        assert not INLINE_SCRIPT.search(html), url


def test_landmarks_and_a_skip_link(client):
    html = client.get(reverse("portal:contact")).content.decode()

    assert 'href="#main"' in html
    assert '<main id="main"' in html
    assert '<nav class="portal-nav" aria-label=' in html
    assert f'href="{reverse("portal:contact")}" aria-current="page"' in html


# --- pieces ------------------------------------------------------------------------------------


def test_sign_in_links_and_password_resets_never_pass_for_each_other(customer):
    user = customer.user

    assert not magic_link_tokens.check_token(user, default_token_generator.make_token(user))
    assert not default_token_generator.check_token(user, magic_link_tokens.make_token(user))


def test_client_ip_trusts_only_the_configured_proxies(settings):
    request = RequestFactory().get(
        "/", REMOTE_ADDR="10.0.0.5", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9"
    )

    settings.NUM_PROXIES = 0
    assert client_ip("group", request) == "10.0.0.5"
    settings.NUM_PROXIES = 1
    assert client_ip("group", request) == "203.0.113.9"
    settings.NUM_PROXIES = 5
    assert client_ip("group", request) == "1.1.1.1"


def test_client_ip_counts_an_ipv6_network_as_one_client(settings):
    settings.NUM_PROXIES = 0
    first = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::10")
    second = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::1")
    elsewhere = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::10")

    assert client_ip("group", first) == client_ip("group", second)
    assert client_ip("group", first) != client_ip("group", elsewhere)


def test_an_agent_in_the_portal_is_pointed_to_the_workspace(login, agent):
    html = login(agent).get(reverse("portal:home")).content.decode()

    assert f'href="{reverse("tickets:inbox")}"' in html
    assert f'href="{reverse("portal:request_list")}"' not in html

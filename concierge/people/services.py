"""Every write to people, organizations and teams."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from concierge.people.models import (
    Customer,
    CustomerIdentity,
    IdentityKind,
    Organization,
    OrganizationDomain,
    OrganizationMembership,
    Role,
    Team,
    TeamMembership,
    User,
)


def normalize_email(email: str) -> str:
    return email.strip().lower()


def customer_find_or_create_by_email(
    *, email: str, full_name: str = "", language: str = ""
) -> Customer:
    """Return the customer who owns this address, creating one if nobody does.

    A new customer joins the organization whose domain matches the address.
    Safe against two requests racing for the same new address.
    """
    email = normalize_email(email)
    identity = (
        CustomerIdentity.objects.select_related("customer")
        .filter(kind=IdentityKind.EMAIL, value=email)
        .first()
    )
    if identity:
        return identity.customer
    try:
        with transaction.atomic():
            customer = Customer.objects.create(full_name=full_name.strip(), language=language)
            CustomerIdentity.objects.create(
                customer=customer, kind=IdentityKind.EMAIL, value=email, is_primary=True
            )
    except IntegrityError:
        return CustomerIdentity.objects.get(kind=IdentityKind.EMAIL, value=email).customer
    domain = email.rpartition("@")[2]
    organization_domain = OrganizationDomain.objects.filter(domain=domain).first()
    if organization_domain:
        OrganizationMembership.objects.get_or_create(
            customer=customer, organization_id=organization_domain.organization_id
        )
    return customer


def customer_update(
    *, customer: Customer, full_name: str, language: str, time_zone: str, notes: str
) -> Customer:
    customer.full_name = full_name
    customer.language = language
    customer.time_zone = time_zone
    customer.notes = notes
    customer.save(update_fields=["full_name", "language", "time_zone", "notes"])
    return customer


def customer_identity_add(*, customer: Customer, kind: str, value: str) -> CustomerIdentity:
    value = normalize_email(value) if kind == IdentityKind.EMAIL else value.strip()
    return CustomerIdentity.objects.create(customer=customer, kind=kind, value=value)


def customer_portal_user(*, customer: Customer) -> User:
    """The sign-in account of a customer, created on first portal sign-in."""
    if customer.user_id:
        return customer.user
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=customer.pk)
        if customer.user_id:
            return customer.user
        user = User.objects.create_user(
            email=customer.primary_email,
            password=None,
            full_name=customer.full_name,
            role=Role.CUSTOMER,
            language=customer.language,
            time_zone=customer.time_zone,
        )
        customer.user = user
        customer.save(update_fields=["user"])
    return user


def organization_set_domains(*, organization: Organization, domains: list[str]) -> None:
    wanted = {d.strip().lower().lstrip("@") for d in domains if d.strip()}
    with transaction.atomic():
        organization.domains.exclude(domain__in=wanted).delete()
        existing = set(organization.domains.values_list("domain", flat=True))
        OrganizationDomain.objects.bulk_create(
            OrganizationDomain(organization=organization, domain=d) for d in wanted - existing
        )


def organization_add_member(
    *, organization: Organization, customer: Customer, is_manager: bool = False
) -> OrganizationMembership:
    membership, _ = OrganizationMembership.objects.update_or_create(
        organization=organization, customer=customer, defaults={"is_manager": is_manager}
    )
    return membership


def team_set_members(*, team: Team, members: list[User], leads: list[User]) -> None:
    lead_ids = {u.pk for u in leads}
    with transaction.atomic():
        team.memberships.exclude(user__in=members).delete()
        for user in members:
            TeamMembership.objects.update_or_create(
                team=team, user=user, defaults={"is_lead": user.pk in lead_ids}
            )


def agent_create(
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None = None,
    language: str = "",
    languages: list[str] | None = None,
    skills: list[str] | None = None,
) -> User:
    return User.objects.create_user(
        email=email,
        password=password,
        full_name=full_name,
        role=role,
        language=language,
        languages=languages or [],
        skills=skills or [],
    )

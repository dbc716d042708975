"""Every write to people, organizations and teams."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Min

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


def customers_by_email(emails: Iterable[str]) -> dict[str, Customer]:
    """The customers who own these addresses, by normalized address (one query); an
    address nobody owns is not in the result."""
    wanted = {normalize_email(email) for email in emails}
    identities = CustomerIdentity.objects.select_related("customer").filter(
        kind=IdentityKind.EMAIL, value__in=wanted
    )
    return {identity.value: identity.customer for identity in identities}


def first_organization_ids(customer_ids: Iterable[int]) -> dict[int, int]:
    """The organization a new ticket of each of these customers belongs to (the first
    they joined, by id: as `ticket_create` picks it), for many customers in one query;
    a customer of no organization is not in the result."""
    rows = (
        OrganizationMembership.objects.filter(customer_id__in=set(customer_ids))
        .values_list("customer_id")
        .annotate(first=Min("organization_id"))
        .order_by()
    )
    return dict(rows)


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
    domain = email.rpartition("@")[2]
    customer, _created = customer_create_by_email(
        email=email,
        full_name=full_name,
        language=language,
        organization_id=organizations_by_domain([domain]).get(domain),
    )
    return customer


def organizations_by_domain(domains: Iterable[str]) -> dict[str, int]:
    """The organization that owns each of these e-mail domains, for those one owns."""
    wanted = {domain.strip().lower() for domain in domains}
    return dict(
        OrganizationDomain.objects.filter(domain__in=wanted).values_list(
            "domain", "organization_id"
        )
    )


def customer_create_by_email(
    *, email: str, full_name: str, language: str, organization_id: int | None
) -> tuple[Customer, bool]:
    """A new customer owning `email`, a member of `organization_id` (the organization
    that owns the address's domain, which the caller looked up), and True. Should another
    request have taken the address first, that one's customer and False."""
    email = normalize_email(email)
    try:
        with transaction.atomic():
            customer = Customer.objects.create(full_name=full_name.strip(), language=language)
            CustomerIdentity.objects.create(
                customer=customer, kind=IdentityKind.EMAIL, value=email, is_primary=True
            )
    except IntegrityError:
        taken = CustomerIdentity.objects.get(kind=IdentityKind.EMAIL, value=email)
        return taken.customer, False
    if organization_id is not None:
        OrganizationMembership.objects.create(customer=customer, organization_id=organization_id)
    return customer, True


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


# --- customers: the directory pages --------------------------------------------------------


class IdentityRequiredError(Exception):
    """A customer must keep at least one way to be reached."""


def customer_update_profile(
    *, customer: Customer, full_name: str, language: str, time_zone: str
) -> Customer:
    """Change who the customer is without touching the notes a colleague may be editing."""
    customer.full_name = full_name.strip()
    customer.language = language
    customer.time_zone = time_zone
    customer.save(update_fields=["full_name", "language", "time_zone"])
    return customer


def customer_set_notes(*, customer: Customer, notes: str) -> Customer:
    customer.notes = notes.strip()
    customer.save(update_fields=["notes"])
    return customer


def customer_identity_remove(*, identity: CustomerIdentity) -> None:
    """Remove one identity; the primary e-mail passes to the next address if there is one.

    Raises IdentityRequiredError for the customer's last identity: without one, replies
    and portal sign-in would have nowhere to go.
    """
    with transaction.atomic():
        customer = Customer.objects.select_for_update().get(pk=identity.customer_id)
        others = list(customer.identities.exclude(pk=identity.pk).order_by("pk"))
        if not others:
            raise IdentityRequiredError
        identity.delete()
        emails = [i for i in others if i.kind == IdentityKind.EMAIL]
        if identity.is_primary and emails and not any(i.is_primary for i in emails):
            emails[0].is_primary = True
            emails[0].save(update_fields=["is_primary"])


def customer_identity_make_primary(*, identity: CustomerIdentity) -> CustomerIdentity:
    """Make this the address replies and notifications go to (one primary per kind)."""
    with transaction.atomic():
        CustomerIdentity.objects.filter(
            customer_id=identity.customer_id, kind=identity.kind, is_primary=True
        ).exclude(pk=identity.pk).update(is_primary=False)
        identity.is_primary = True
        identity.save(update_fields=["is_primary"])
    return identity


# --- organizations -------------------------------------------------------------------------


def organization_create(
    *,
    name: str,
    notes: str = "",
    support_plan: str = "",
    managers_see_all_requests: bool = False,
    domains: list[str] | None = None,
) -> Organization:
    """Create an organization with its mail domains.

    Raises IntegrityError when the name or a domain was taken meanwhile; nothing is written.
    """
    with transaction.atomic():
        organization = Organization.objects.create(
            name=name.strip(),
            notes=notes.strip(),
            support_plan=support_plan,
            managers_see_all_requests=managers_see_all_requests,
        )
        if domains:
            organization_set_domains(organization=organization, domains=domains)
    return organization


def organization_update(
    *,
    organization: Organization,
    name: str,
    notes: str,
    support_plan: str,
    managers_see_all_requests: bool,
    domains: list[str] | None = None,
) -> Organization:
    """Change an organization and, when given, replace its mail domains.

    Raises IntegrityError when the name or a domain was taken meanwhile; nothing is written.
    """
    with transaction.atomic():
        organization.name = name.strip()
        organization.notes = notes.strip()
        organization.support_plan = support_plan
        organization.managers_see_all_requests = managers_see_all_requests
        organization.save(
            update_fields=["name", "notes", "support_plan", "managers_see_all_requests"]
        )
        if domains is not None:
            organization_set_domains(organization=organization, domains=domains)
    return organization


def organization_set_manager(
    *, organization: Organization, customer: Customer, is_manager: bool
) -> None:
    OrganizationMembership.objects.filter(organization=organization, customer=customer).update(
        is_manager=is_manager
    )


def organization_remove_member(*, organization: Organization, customer: Customer) -> None:
    OrganizationMembership.objects.filter(organization=organization, customer=customer).delete()


# --- teams ---------------------------------------------------------------------------------


def team_create(
    *, name: str, description: str = "", ticket_visibility: str, languages: list[str]
) -> Team:
    return Team.objects.create(
        name=name.strip(),
        description=description.strip(),
        ticket_visibility=ticket_visibility,
        languages=languages,
    )


def team_update(
    *, team: Team, name: str, description: str, ticket_visibility: str, languages: list[str]
) -> Team:
    team.name = name.strip()
    team.description = description.strip()
    team.ticket_visibility = ticket_visibility
    team.languages = languages
    team.save(update_fields=["name", "description", "ticket_visibility", "languages"])
    return team


# --- agents --------------------------------------------------------------------------------


class LastAdminError(Exception):
    """The change would leave the desk without an active admin to run its settings."""


def _keep_an_admin(agent: User, *, role: str, is_active: bool) -> None:
    """Refuse a change that takes away the last active admin.

    The active admins are locked first, so two admins demoting each other at the same
    moment cannot both succeed. Call inside a transaction.
    """
    if agent.role != Role.ADMIN or not agent.is_active:
        return
    if role == Role.ADMIN and is_active:
        return
    admins = User.objects.select_for_update().filter(role=Role.ADMIN, is_active=True)
    if not admins.exclude(pk=agent.pk).exists():
        raise LastAdminError


def agent_set_teams(*, agent: User, teams: list[Team]) -> None:
    """Put the agent in exactly these teams; a lead stays lead of the teams they keep."""
    with transaction.atomic():
        agent.team_memberships.exclude(team__in=teams).delete()
        existing = set(agent.team_memberships.values_list("team_id", flat=True))
        TeamMembership.objects.bulk_create(
            TeamMembership(team=team, user=agent) for team in teams if team.pk not in existing
        )


def agent_add(
    *,
    email: str,
    full_name: str,
    role: str,
    password: str | None = None,
    languages: list[str] | None = None,
    skills: list[str] | None = None,
    teams: list[Team] | None = None,
) -> User:
    """Create a staff account; without a password it cannot sign in until one is set."""
    with transaction.atomic():
        agent = agent_create(
            email=normalize_email(email),
            full_name=full_name.strip(),
            role=role,
            password=password or None,
            languages=languages,
            skills=skills,
        )
        if teams:
            agent_set_teams(agent=agent, teams=teams)
    return agent


def agent_update(
    *,
    agent: User,
    full_name: str,
    role: str,
    languages: list[str],
    skills: list[str],
    teams: list[Team],
) -> User:
    """Change an agent's role, teams and routing attributes.

    Raises LastAdminError when this would demote the last active admin.
    """
    with transaction.atomic():
        _keep_an_admin(agent, role=role, is_active=agent.is_active)
        agent.full_name = full_name.strip()
        agent.role = role
        agent.languages = languages
        agent.skills = skills
        agent.save(update_fields=["full_name", "role", "languages", "skills"])
        agent_set_teams(agent=agent, teams=teams)
    return agent


def agent_set_active(*, agent: User, is_active: bool) -> User:
    """Deactivate (or bring back) a staff account; it is never deleted, so history keeps
    the name. Raises LastAdminError when this would deactivate the last active admin."""
    with transaction.atomic():
        _keep_an_admin(agent, role=agent.role, is_active=is_active)
        agent.is_active = is_active
        agent.save(update_fields=["is_active"])
    return agent


def agent_set_password(*, agent: User, password: str) -> User:
    agent.set_password(password)
    agent.save(update_fields=["password"])
    return agent

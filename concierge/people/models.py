"""Who is at the desk and who writes to it.

Agents and admins are `User` rows with a staff role. Customers are `Customer`
contacts with any number of identities (e-mail addresses, phones, chat handles);
a customer gets a `User` only when they sign in to the portal.
"""

from __future__ import annotations

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Admin")
    AGENT = "agent", _("Agent")
    LIGHT_AGENT = "light_agent", _("Light agent")
    CUSTOMER = "customer", _("Customer")


STAFF_ROLES = (Role.ADMIN, Role.AGENT, Role.LIGHT_AGENT)


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields: object) -> User:
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields: object) -> User:
        fields.setdefault("role", Role.ADMIN)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class User(AbstractBaseUser, PermissionsMixin):
    email = models.EmailField(_("e-mail"), unique=True)
    full_name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    language = models.CharField(_("language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    # Agents only: languages they answer in and product skills, used for routing.
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    skills = models.JSONField(_("skills"), default=list, blank=True)
    signature = models.TextField(_("signature"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name"]

    def __str__(self) -> str:
        return self.full_name or self.email

    @property
    def is_staff(self) -> bool:
        # The Django admin is for operators only; the product's settings are in its own pages.
        return self.is_superuser

    @property
    def is_agent(self) -> bool:
        return self.role in STAFF_ROLES

    @property
    def is_admin(self) -> bool:
        return self.role == Role.ADMIN

    @property
    def can_reply_publicly(self) -> bool:
        return self.role in (Role.ADMIN, Role.AGENT)

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0] if self.full_name else ""


class TicketVisibility(models.TextChoices):
    ALL = "all", _("All tickets")
    TEAM = "team", _("Only this team's tickets")


class Team(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    ticket_visibility = models.CharField(
        _("members see"),
        max_length=10,
        choices=TicketVisibility.choices,
        default=TicketVisibility.ALL,
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    members = models.ManyToManyField(User, through="TeamMembership", related_name="teams")

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMembership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="team_memberships")
    is_lead = models.BooleanField(_("team lead"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="unique_team_membership")
        ]


class SupportPlan(models.TextChoices):
    NONE = "", _("None")
    STANDARD = "standard", _("Standard")
    PREMIUM = "premium", _("Premium")
    ENTERPRISE = "enterprise", _("Enterprise")


class Organization(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    notes = models.TextField(_("notes"), blank=True)
    support_plan = models.CharField(
        _("support plan"), max_length=20, choices=SupportPlan.choices, blank=True
    )
    managers_see_all_requests = models.BooleanField(
        _("managers see the organization's requests"), default=False
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class OrganizationDomain(models.Model):
    """A mail domain whose senders join the organization automatically."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="domains")
    domain = models.CharField(_("domain"), max_length=253, unique=True)

    class Meta:
        ordering = ["domain"]

    def __str__(self) -> str:
        return self.domain


class Customer(models.Model):
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    language = models.CharField(_("preferred language"), max_length=10, blank=True)
    time_zone = models.CharField(_("time zone"), max_length=64, blank=True)
    notes = models.TextField(
        _("notes"),
        blank=True,
        help_text=_("What the team should know about this person: interests, preferences."),
    )
    user = models.OneToOneField(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="customer"
    )
    organizations = models.ManyToManyField(
        Organization, through="OrganizationMembership", related_name="customers"
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [models.Index(Lower("full_name"), name="customer_name_lower")]

    def __str__(self) -> str:
        return self.full_name or self.primary_email or f"#{self.pk}"

    @property
    def first_name(self) -> str:
        return self.full_name.split(" ", 1)[0] if self.full_name else ""

    @property
    def primary_email(self) -> str:
        emails = [i for i in self.identities.all() if i.kind == IdentityKind.EMAIL]
        emails.sort(key=lambda i: (not i.is_primary, i.pk))
        return emails[0].value if emails else ""


class IdentityKind(models.TextChoices):
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat handle")
    TELEGRAM = "telegram", _("Telegram")
    WHATSAPP = "whatsapp", _("WhatsApp")


class CustomerIdentity(models.Model):
    """One way to reach a customer; values are stored normalized (e-mail lower-cased)."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="identities")
    kind = models.CharField(_("kind"), max_length=20, choices=IdentityKind.choices)
    value = models.CharField(_("value"), max_length=320)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [models.UniqueConstraint(fields=["kind", "value"], name="unique_identity")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.value}"


class OrganizationMembership(models.Model):
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="organization_memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    is_manager = models.BooleanField(_("manager"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "organization"], name="unique_organization_membership"
            )
        ]

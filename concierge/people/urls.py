from django.contrib.auth import views as auth_views
from django.urls import path

from concierge.people.views import (
    account,
    directory,
    settings_inbox,
    settings_pages,
    settings_teams,
)

app_name = "people"

urlpatterns = [
    path("login/", account.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", account.profile, name="profile"),
    path("brand.css", account.brand_css, name="brand_css"),
    path("language/", account.set_language, name="set_language"),
    # customers
    path("customers/", directory.customer_list, name="customer_list"),
    path("customers/<int:pk>/", directory.customer_detail, name="customer_detail"),
    path("customers/<int:pk>/profile/", directory.customer_profile, name="customer_profile"),
    path("customers/<int:pk>/notes/", directory.customer_notes, name="customer_notes"),
    path(
        "customers/<int:pk>/identities/",
        directory.customer_identity_create,
        name="customer_identity_create",
    ),
    path(
        "customers/<int:pk>/identities/<int:identity_pk>/remove/",
        directory.customer_identity_delete,
        name="customer_identity_delete",
    ),
    path(
        "customers/<int:pk>/identities/<int:identity_pk>/primary/",
        directory.customer_identity_primary,
        name="customer_identity_primary",
    ),
    # organizations
    path("organizations/", directory.organization_list, name="organization_list"),
    path("organizations/new/", directory.organization_new, name="organization_new"),
    path("organizations/<int:pk>/", directory.organization_detail, name="organization_detail"),
    path("organizations/<int:pk>/edit/", directory.organization_edit, name="organization_edit"),
    path(
        "organizations/<int:pk>/members/",
        directory.organization_member_add,
        name="organization_member_add",
    ),
    path(
        "organizations/<int:pk>/members/<int:customer_pk>/",
        directory.organization_member_change,
        name="organization_member_change",
    ),
    # settings (admins only)
    path("settings/", settings_pages.settings_index, name="settings"),
    path("settings/roles/", settings_pages.settings_roles, name="settings_roles"),
    path("settings/agents/", settings_pages.settings_agents, name="settings_agents"),
    path("settings/agents/new/", settings_pages.settings_agent_new, name="settings_agent_new"),
    path(
        "settings/agents/<int:pk>/", settings_pages.settings_agent_edit, name="settings_agent_edit"
    ),
    path(
        "settings/agents/<int:pk>/active/",
        settings_pages.settings_agent_active,
        name="settings_agent_active",
    ),
    path("settings/teams/", settings_teams.settings_teams, name="settings_teams"),
    path("settings/teams/new/", settings_teams.settings_team_new, name="settings_team_new"),
    path("settings/teams/<int:pk>/", settings_teams.settings_team_edit, name="settings_team_edit"),
    path(
        "settings/teams/<int:pk>/members/",
        settings_teams.settings_team_members,
        name="settings_team_members",
    ),
    path("settings/tags/", settings_inbox.settings_tags, name="settings_tags"),
    path(
        "settings/tags/<int:pk>/rename/",
        settings_inbox.settings_tag_rename,
        name="settings_tag_rename",
    ),
    path(
        "settings/tags/<int:pk>/merge/",
        settings_inbox.settings_tag_merge,
        name="settings_tag_merge",
    ),
    path(
        "settings/tags/<int:pk>/delete/",
        settings_inbox.settings_tag_delete,
        name="settings_tag_delete",
    ),
    path("settings/views/", settings_inbox.settings_views, name="settings_views"),
    path("settings/views/new/", settings_inbox.settings_view_new, name="settings_view_new"),
    path("settings/views/<int:pk>/", settings_inbox.settings_view_edit, name="settings_view_edit"),
    path(
        "settings/views/<int:pk>/move/",
        settings_inbox.settings_view_move,
        name="settings_view_move",
    ),
    path(
        "settings/views/<int:pk>/delete/",
        settings_inbox.settings_view_delete,
        name="settings_view_delete",
    ),
]

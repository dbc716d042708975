"""Routing settings and the agent's online/away switch (included by the app's urls.py)."""

from django.urls import URLPattern, path

from concierge.automation import routing_views as views

urlpatterns: list[URLPattern] = [
    path("availability/", views.availability_set, name="availability"),
    path("settings/routing/", views.routing_overview, name="routing"),
    path("settings/routing/rules/new/", views.routing_rule_new, name="routing_rule_new"),
    path("settings/routing/rules/<int:pk>/", views.routing_rule_edit, name="routing_rule_edit"),
    path(
        "settings/routing/rules/<int:pk>/move/",
        views.routing_rule_reorder,
        name="routing_rule_move",
    ),
    path(
        "settings/routing/rules/<int:pk>/active/",
        views.routing_rule_active,
        name="routing_rule_active",
    ),
    path(
        "settings/routing/rules/<int:pk>/delete/",
        views.routing_rule_remove,
        name="routing_rule_delete",
    ),
    path("settings/routing/teams/<int:pk>/", views.routing_team, name="routing_team"),
    path(
        "settings/routing/agents/<int:pk>/hours/",
        views.routing_agent_hours,
        name="routing_agent_hours",
    ),
]

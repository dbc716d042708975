"""Settings pages for time rules (included by the app's urls.py)."""

from django.urls import URLPattern, path

from concierge.automation import rules_views as views

urlpatterns: list[URLPattern] = [
    path("settings/time-rules/", views.time_rule_list, name="time_rule_list"),
    path("settings/time-rules/new/", views.time_rule_new, name="time_rule_new"),
    path("settings/time-rules/<int:pk>/", views.time_rule_edit, name="time_rule_edit"),
    path("settings/time-rules/<int:pk>/move/", views.time_rule_reorder, name="time_rule_move"),
    path("settings/time-rules/<int:pk>/active/", views.time_rule_active, name="time_rule_active"),
    path("settings/time-rules/<int:pk>/delete/", views.time_rule_remove, name="time_rule_delete"),
    path("settings/time-rules/<int:pk>/due/", views.time_rule_preview, name="time_rule_preview"),
]

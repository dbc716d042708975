"""Settings pages for triggers and their e-mails (included by the app's urls.py)."""

from django.urls import URLPattern, path

from concierge.automation import triggers_views as views

urlpatterns: list[URLPattern] = [
    path("settings/triggers/", views.trigger_list, name="trigger_list"),
    path("settings/triggers/new/", views.trigger_new, name="trigger_new"),
    path("settings/triggers/<int:pk>/", views.trigger_edit, name="trigger_edit"),
    path("settings/triggers/<int:pk>/move/", views.trigger_reorder, name="trigger_move"),
    path("settings/triggers/<int:pk>/active/", views.trigger_active, name="trigger_active"),
    path("settings/triggers/<int:pk>/delete/", views.trigger_remove, name="trigger_delete"),
    path("settings/triggers/<int:pk>/dry-run/", views.trigger_dry_run, name="trigger_dry_run"),
    path("settings/emails/", views.email_template_list, name="email_template_list"),
    path("settings/emails/new/", views.email_template_new, name="email_template_new"),
    path("settings/emails/<int:pk>/", views.email_template_edit, name="email_template_edit"),
    path(
        "settings/emails/<int:pk>/delete/",
        views.email_template_remove,
        name="email_template_delete",
    ),
]

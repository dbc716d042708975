"""Playbook pages: the checklists on a ticket, and /settings/playbooks/ for admins."""

from django.urls import path

from concierge.automation import playbooks_views

urlpatterns = [
    path(
        "tickets/<int:number>/playbooks/",
        playbooks_views.ticket_playbooks,
        name="ticket_playbooks",
    ),
    path(
        "tickets/<int:number>/playbooks/steps/<int:step_id>/",
        playbooks_views.playbook_step,
        name="playbook_step",
    ),
    path("settings/playbooks/", playbooks_views.settings_playbooks, name="settings_playbooks"),
    path(
        "settings/playbooks/new/",
        playbooks_views.settings_playbook_new,
        name="settings_playbook_new",
    ),
    path(
        "settings/playbooks/<int:pk>/",
        playbooks_views.settings_playbook_edit,
        name="settings_playbook_edit",
    ),
    path(
        "settings/playbooks/<int:pk>/delete/",
        playbooks_views.settings_playbook_remove,
        name="settings_playbook_delete",
    ),
]

"""Macro pages: /macros/ for an agent's own, /settings/macros/ for the shared ones."""

from django.urls import path

from concierge.automation import macros_views

urlpatterns = [
    path("macros/", macros_views.macro_list, name="macro_list"),
    path("macros/new/", macros_views.macro_new, name="macro_new"),
    path("macros/<int:pk>/", macros_views.macro_edit, name="macro_edit"),
    path("macros/<int:pk>/delete/", macros_views.macro_remove, name="macro_delete"),
    path("tickets/<int:number>/macro/", macros_views.macro_apply, name="macro_apply"),
    path("settings/macros/", macros_views.settings_macros, name="settings_macros"),
    path("settings/macros/new/", macros_views.settings_macro_new, name="settings_macro_new"),
    path("settings/macros/<int:pk>/", macros_views.settings_macro_edit, name="settings_macro_edit"),
    path(
        "settings/macros/<int:pk>/delete/",
        macros_views.settings_macro_remove,
        name="settings_macro_delete",
    ),
]

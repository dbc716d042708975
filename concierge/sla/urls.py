from django.urls import path

from concierge.sla.views import calendars, escalations, policies, preview

app_name = "sla"

urlpatterns = [
    path("settings/sla/", policies.policy_list, name="policy_list"),
    path("settings/sla/policies/new/", policies.policy_new, name="policy_new"),
    path("settings/sla/policies/<int:pk>/", policies.policy_edit, name="policy_edit"),
    path("settings/sla/policies/<int:pk>/move/", policies.policy_move_view, name="policy_move"),
    path(
        "settings/sla/policies/<int:pk>/delete/",
        policies.policy_delete_view,
        name="policy_delete",
    ),
    path("settings/sla/calendars/", calendars.calendar_list, name="calendar_list"),
    path("settings/sla/calendars/new/", calendars.calendar_new, name="calendar_new"),
    path("settings/sla/calendars/<int:pk>/", calendars.calendar_edit, name="calendar_edit"),
    path(
        "settings/sla/calendars/<int:pk>/delete/",
        calendars.calendar_delete_view,
        name="calendar_delete",
    ),
    path(
        "settings/sla/calendars/<int:pk>/holidays/",
        calendars.calendar_holiday_add,
        name="calendar_holiday_add",
    ),
    path(
        "settings/sla/calendars/<int:pk>/holidays/<int:holiday_pk>/remove/",
        calendars.calendar_holiday_remove,
        name="calendar_holiday_remove",
    ),
    path(
        "settings/sla/calendars/<int:pk>/ics/",
        calendars.calendar_import_ics,
        name="calendar_import_ics",
    ),
    path("settings/sla/preview/", preview.preview, name="preview"),
    path("settings/sla/escalations/", escalations.escalation_list, name="escalation_list"),
    path("settings/sla/escalations/new/", escalations.escalation_new, name="escalation_new"),
    path(
        "settings/sla/escalations/<int:pk>/",
        escalations.escalation_edit,
        name="escalation_edit",
    ),
    path(
        "settings/sla/escalations/<int:pk>/delete/",
        escalations.escalation_delete,
        name="escalation_delete",
    ),
    path("notices/", escalations.notice_list, name="notices"),
    path("notices/read/", escalations.notice_read, name="notices_read"),
]

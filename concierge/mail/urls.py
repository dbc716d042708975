from django.urls import path

from concierge.mail.views import messages, settings, webhooks

app_name = "mail"

urlpatterns = [
    path("settings/mailboxes/", settings.mailbox_list, name="mailboxes"),
    path("settings/mailboxes/new/", settings.mailbox_new, name="mailbox_new"),
    path("settings/mailboxes/<int:pk>/", settings.mailbox_edit, name="mailbox_edit"),
    path("settings/mailboxes/<int:pk>/test/", settings.mailbox_test, name="mailbox_test"),
    path("settings/mail/failed/", settings.failed_list, name="failed"),
    path("settings/mail/raw/<int:pk>/", settings.raw_view, name="raw"),
    path("settings/mail/raw/<int:pk>/reprocess/", settings.raw_reprocess, name="reprocess"),
    path("mail/inbound/<slug:provider>/", webhooks.inbound, name="webhook_inbound"),
    path(
        "tickets/<int:number>/messages/<int:pk>/original/",
        messages.message_original,
        name="message_original",
    ),
    path(
        "tickets/<int:number>/messages/<int:pk>/source/",
        messages.message_source,
        name="message_source",
    ),
]

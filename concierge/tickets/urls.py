from django.urls import path

from concierge.tickets.views import attachments, bulk, inbox, search, ticket, ticket_edit

app_name = "tickets"

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/bulk/", bulk.bulk_update, name="bulk"),
    path("tickets/<int:number>/", ticket.detail, name="detail"),
    path("tickets/<int:number>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:number>/properties/", ticket_edit.update_properties, name="update"),
    path("tickets/<int:number>/merge/", ticket_edit.merge, name="merge"),
    path(
        "tickets/<int:number>/messages/<int:message_id>/split/",
        ticket_edit.split,
        name="split",
    ),
    path("attachments/<int:pk>/", attachments.download, name="attachment"),
    path("search/", search.search, name="search"),
]

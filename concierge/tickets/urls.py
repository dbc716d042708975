from django.urls import path

from concierge.tickets.views import (
    attachments,
    bulk,
    followers,
    inbox,
    new_ticket,
    search,
    ticket,
    ticket_edit,
)

app_name = "tickets"

urlpatterns = [
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/bulk/", bulk.bulk_update, name="bulk"),
    path("inbox/counts/", inbox.inbox_counts, name="inbox_counts"),
    path("tickets/new/", new_ticket.new, name="new"),
    path("tickets/<int:number>/", ticket.detail, name="detail"),
    path("tickets/<int:number>/reply/", ticket.reply, name="reply"),
    path("tickets/<int:number>/messages/", ticket.earlier_messages, name="earlier_messages"),
    path("tickets/<int:number>/history/", ticket.history, name="history"),
    path("tickets/<int:number>/properties/", ticket_edit.update_properties, name="update"),
    path("tickets/<int:number>/merge/", ticket_edit.merge, name="merge"),
    path(
        "tickets/<int:number>/messages/<int:message_id>/split/",
        ticket_edit.split,
        name="split",
    ),
    path("tickets/<int:number>/followers/", followers.follower_add, name="follower_add"),
    path(
        "tickets/<int:number>/followers/<int:customer_id>/remove/",
        followers.follower_remove,
        name="follower_remove",
    ),
    path("attachments/<int:pk>/", attachments.download, name="attachment"),
    path("search/", search.search, name="search"),
]

"""PostgreSQL: each ticket entry carries its ticket's team and assignee.

An agent limited to some teams sees their tickets and the ones assigned to them. Ticket
search found an everyday phrase's older matches in the GIN index and then read every one
of them (34,000 wide rows for "refund still not on my card" at a million tickets, their
documents detoasted to recheck the match) to keep the team's one in sixteen. With the
team and the assignee on the entry, PostgreSQL intersects the index's matches with the
agent's teams before it reads a row. The visibility condition is still checked on what
is left; these columns only narrow the search.

Triggers keep the columns in step whatever writes the ticket (a service, a bulk update,
a raw statement): an entry takes its ticket's values when it is written, and a ticket
whose team or assignee changes passes them on. Filling existing entries rewrites each of
them once: about three minutes at a million tickets on two cores (docs/search.md).
SQLite needs nothing: its search stops at the first page of matches newest first.
"""

# Every statement here is built from constants of this file, never from input.
# ruff: noqa: S608

from django.db import migrations

from concierge.search.migrations._vendor import VendorSQL

FILL = (
    "UPDATE search_ticketentry AS entry SET team_id = ticket.team_id, "
    "assignee_id = ticket.assignee_id FROM tickets_ticket AS ticket "
    "WHERE ticket.id = entry.ticket_id "
    "AND (ticket.team_id IS NOT NULL OR ticket.assignee_id IS NOT NULL)"
)
POSTGRES_FORWARD = [
    "ALTER TABLE search_ticketentry ADD COLUMN team_id bigint, ADD COLUMN assignee_id bigint",
    FILL,
    "CREATE INDEX search_ticket_team ON search_ticketentry (team_id)",
    "CREATE INDEX search_ticket_assignee ON search_ticketentry (assignee_id)",
    """CREATE FUNCTION search_ticket_entry_owners() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        SELECT team_id, assignee_id INTO NEW.team_id, NEW.assignee_id
        FROM tickets_ticket WHERE id = NEW.ticket_id;
        RETURN NEW;
    END $$""",
    "CREATE TRIGGER search_ticket_entry_owners BEFORE INSERT OR UPDATE OF ticket_id "
    "ON search_ticketentry FOR EACH ROW EXECUTE FUNCTION search_ticket_entry_owners()",
    """CREATE FUNCTION search_ticket_owners_changed() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE search_ticketentry SET team_id = NEW.team_id, assignee_id = NEW.assignee_id
        WHERE ticket_id = NEW.id;
        RETURN NULL;
    END $$""",
    "CREATE TRIGGER search_ticket_owners_changed AFTER UPDATE OF team_id, assignee_id "
    "ON tickets_ticket FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id "
    "OR OLD.assignee_id IS DISTINCT FROM NEW.assignee_id) "
    "EXECUTE FUNCTION search_ticket_owners_changed()",
    "ANALYZE search_ticketentry",
]
POSTGRES_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_ticket_owners_changed ON tickets_ticket",
    "DROP FUNCTION IF EXISTS search_ticket_owners_changed()",
    "DROP TRIGGER IF EXISTS search_ticket_entry_owners ON search_ticketentry",
    "DROP FUNCTION IF EXISTS search_ticket_entry_owners()",
    "DROP INDEX IF EXISTS search_ticket_assignee",
    "DROP INDEX IF EXISTS search_ticket_team",
    "ALTER TABLE search_ticketentry DROP COLUMN IF EXISTS assignee_id, "
    "DROP COLUMN IF EXISTS team_id",
]


class Migration(migrations.Migration):
    dependencies = [("search", "0009_term_stem"), ("tickets", "0001_initial")]

    operations = [VendorSQL("postgresql", POSTGRES_FORWARD, POSTGRES_BACKWARD)]

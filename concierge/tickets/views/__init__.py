"""The agent workspace: inbox, ticket page, bulk actions, attachments and quick search."""

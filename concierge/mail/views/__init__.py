"""Pages of the e-mail channel: mailbox settings and failed mail (admins), originals (agents)."""

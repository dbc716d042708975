"""Every write of the e-mail channel: storing and processing raw mail, the outbox,
IMAP polling and mailbox settings. Import from the topic modules."""

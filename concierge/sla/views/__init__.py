"""The SLA settings pages (admins only) and the escalation notices of agents."""

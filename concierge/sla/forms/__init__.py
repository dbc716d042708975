"""Forms of the SLA settings pages, one module per page."""

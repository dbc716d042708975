"""The customer portal's pages, one module per topic."""

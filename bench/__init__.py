"""Benchmarks: a deterministic generator of a large desk, and timings of the real views.

`python -m bench.generate` fills a database (by default `var/bench.sqlite3`, never the
demo's); `python -m bench.run` measures the inbox and the ticket page against the budgets
in DESIGN.md. See bench/README.md.
"""

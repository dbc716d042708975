"""Generate the benchmark desk.

    python -m bench.generate --tickets 1000000 --messages-per-ticket 10


Writes into whatever DATABASE_URL points at, or `var/bench.sqlite3` when it is not set.
The database must hold no tickets yet (start from a fresh file or an empty database): the
generator adds people, organizations, customers, tickets, messages, tags and events with
bulk inserts in large transactions, rebuilds the indexes, moves the ticket number sequence
past the last number and gathers planner statistics.
"""

from __future__ import annotations

import argparse

from bench.environment import describe_database, setup_django


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Generate the benchmark desk.")
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--messages-per-ticket", type=float, default=10.0, help="on average")
    parser.add_argument("--customers", type=int, default=0, help="default: a tenth of --tickets")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--chunk", type=int, default=20_000, help="tickets per transaction")
    options = parser.parse_args(argv)

    setup_django()
    from django.core.management import call_command

    from bench.dataset import Scale
    from bench.load import DatabaseNotEmptyError, generate

    print(f"database: {describe_database()}", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    scale = Scale(
        tickets=options.tickets,
        messages_per_ticket=options.messages_per_ticket,
        customers=options.customers,
        seed=options.seed,
    )
    try:
        generate(scale, chunk_size=options.chunk, report=lambda line: print(line, flush=True))
    except DatabaseNotEmptyError as error:
        raise SystemExit(str(error)) from None


if __name__ == "__main__":
    main()

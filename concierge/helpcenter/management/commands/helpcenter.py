"""`concierge helpcenter ...`: articles as Markdown files.

- `import DIR [--as EMAIL]` creates or updates the articles of a tree of Markdown files
  with front matter (see concierge/helpcenter/exchange.py for the format), all or nothing;
- `export DIR` writes every article translation into such a tree.

Imports act as an admin (publishing needs one): the one named with --as, or else the
first active admin.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from concierge.helpcenter.exchange import ExchangeError, export_tree, import_tree
from concierge.people.models import Role, User


class Command(BaseCommand):
    help = "Import and export help center articles as Markdown files with front matter."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        load = actions.add_parser("import", help="import a tree of Markdown files")
        load.add_argument("directory")
        load.add_argument("--as", dest="as_email", metavar="EMAIL", help="the admin who imports")
        dump = actions.add_parser("export", help="write the articles as Markdown files")
        dump.add_argument("directory")

    def handle(self, *args: Any, action: str, directory: str, **options: Any) -> None:
        path = Path(directory)
        try:
            if action == "export":
                written = export_tree(path)
                self.stdout.write(f"{written} article translations written to {path}")
                return
            imported = import_tree(path, actor=self.admin(options.get("as_email")))
        except ExchangeError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"{imported} article translations imported from {path}")

    def admin(self, email: str | None) -> User:
        admins = User.objects.filter(role=Role.ADMIN, is_active=True)
        found = (
            admins.filter(email=email.lower()).first() if email else admins.order_by("pk").first()
        )
        if found is None:
            raise CommandError(
                f"no active admin with the address {email}" if email else "there is no active admin"
            )
        return found

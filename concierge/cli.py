"""The `concierge` console command: every management command of the project.

`concierge run` starts the whole product, `concierge web` and `concierge worker` start
one part each, `concierge demo` loads demo data; any other Django management command
(`concierge migrate`, `concierge createsuperuser`, ...) works too.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "concierge.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["concierge", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()

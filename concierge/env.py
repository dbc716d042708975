"""Small helpers that read typed settings from the environment.

Every setting of Concierge comes from here; `docs/configuration.md` lists them all.
A secret may also be given as `NAME_FILE`, a path whose contents are the value
(the way container secrets are mounted).
"""

import os
from pathlib import Path


def envstr(name: str, default: str = "") -> str:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return int(value)


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in envstr(name, default).split(",") if item.strip()]


def envprefixed(prefix: str) -> dict[str, str]:
    """Every variable named PREFIX<NAME> as {NAME: value}; PREFIX<NAME>_FILE is read too."""
    values: dict[str, str] = {}
    for key in sorted(os.environ):
        if not key.startswith(prefix) or key == prefix:
            continue
        name = key[len(prefix) :]
        if name.endswith("_FILE"):
            name = name[: -len("_FILE")]
        values[name] = envstr(prefix + name)
    return values

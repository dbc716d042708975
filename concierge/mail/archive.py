"""Reading mail archives: single .eml files, mbox files and maildir folders."""

from __future__ import annotations

import mailbox
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class ArchivedMessage:
    origin: str
    raw: bytes


def _is_maildir(path: Path) -> bool:
    return all((path / name).is_dir() for name in ("cur", "new", "tmp"))


def _is_mbox(path: Path) -> bool:
    with path.open("rb") as handle:
        return handle.read(5) == b"From "


def _maildir(path: Path) -> Iterator[ArchivedMessage]:
    folder = mailbox.Maildir(path, factory=None, create=False)
    for key in sorted(folder.keys()):
        yield ArchivedMessage(f"{path}#{key}", folder.get_bytes(key))


def _mbox(path: Path) -> Iterator[ArchivedMessage]:
    box = mailbox.mbox(path, factory=None, create=False)
    try:
        for index, key in enumerate(box.keys()):
            yield ArchivedMessage(f"{path}#{index + 1}", box.get_bytes(key))
    finally:
        box.close()


def _sources(path: Path) -> list[Path]:
    """The files and maildirs under a path, in a stable order."""
    if path.is_dir():
        if _is_maildir(path):
            return [path]
        found: list[Path] = []
        for child in sorted(path.iterdir()):
            if child.is_dir():
                found += _sources(child)
            elif child.suffix.lower() == ".eml" or _is_mbox(child):
                found.append(child)
        return found
    return [path]


def read_archives(paths: list[Path]) -> Iterator[ArchivedMessage]:
    for path in paths:
        for source in _sources(path):
            if source.is_dir():
                yield from _maildir(source)
            elif _is_mbox(source):
                yield from _mbox(source)
            else:
                yield ArchivedMessage(str(source), source.read_bytes())


def count_messages(paths: list[Path]) -> int:
    total = 0
    for path in paths:
        for source in _sources(path):
            if source.is_dir():
                total += len(mailbox.Maildir(source, factory=None, create=False))
            elif _is_mbox(source):
                box = mailbox.mbox(source, factory=None, create=False)
                total += len(box)
                box.close()
            else:
                total += 1
    return total

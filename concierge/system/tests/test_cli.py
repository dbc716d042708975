"""Specification of the `concierge` console command."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from concierge.cli import main

REPO_ROOT = Path(__file__).resolve().parents[3]


def test_it_runs_a_management_command(capsys):
    main(["check"])

    assert "System check identified no issues" in capsys.readouterr().out


def test_it_lists_the_projects_own_commands(capsys):
    main(["help"])

    out = capsys.readouterr().out
    for command in ("run", "web", "worker"):
        assert f"    {command}\n" in out


def test_it_explains_the_worker_options(capsys):
    with pytest.raises(SystemExit) as finished:
        main(["worker", "--help"])

    assert finished.value.code == 0
    out = capsys.readouterr().out
    assert "--batch" in out
    assert "--interval" in out


def test_an_unknown_command_fails_with_a_message(capsys):
    with pytest.raises(SystemExit) as finished:
        main(["no-such-command"])

    assert finished.value.code == 1
    assert "Unknown command: 'no-such-command'" in capsys.readouterr().err


def test_it_is_installed_as_the_concierge_command():
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    assert project["project"]["scripts"]["concierge"] == "concierge.cli:main"

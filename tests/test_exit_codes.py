"""The one table of exit codes (docs/cli.md) stays true: every error civicvol can raise has
its code there, under its own name or a parent's, and every row is a code in use."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import click

import civicvol
from civicvol.domain.errors import CivicVolError

CLI_MD = Path(__file__).resolve().parent.parent / "docs" / "cli.md"


def table() -> dict[int, set[str]]:
    """exit code: the class names (in backticks) of its row."""
    text = CLI_MD.read_text(encoding="utf-8")
    section = text[text.index("| exit code | error | example |"):]
    rows: dict[int, set[str]] = {}
    for line in section.splitlines()[2:]:
        if not line.startswith("|"):
            break
        code, error = line.split("|")[1:3]
        rows[int(code)] = set(re.findall(r"`([A-Z]\w+)`", error))
    return rows


def every_error_class() -> list[type[CivicVolError]]:
    for module in pkgutil.walk_packages(civicvol.__path__, "civicvol."):
        if module.name.endswith("__main__"):
            continue
        importlib.import_module(module.name)
    found, todo = [], [CivicVolError]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo.extend(cls.__subclasses__())
    return [c for c in found if c.__module__.startswith("civicvol.")]


class TestTheExitCodeTable:
    def test_every_error_has_its_code_under_its_name_or_a_parents(self) -> None:
        rows = table()
        wrong = []
        for cls in every_error_class():
            named = [base.__name__ for base in cls.__mro__
                     if base.__name__ in rows.get(cls.exit_code, set())]
            if not named:
                wrong.append(f"{cls.__module__}.{cls.__name__} exits {cls.exit_code}")
        assert wrong == []

    def test_every_row_is_a_code_in_use(self) -> None:
        used = {cls.exit_code for cls in every_error_class()} | {0, 1}
        assert set(table()) == used

    def test_a_usage_mistake_exits_as_invalid_input_says(self) -> None:
        assert click.UsageError.exit_code == 2 and "InvalidInput" in table()[2]

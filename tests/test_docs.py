"""The documentation cannot rot: its Python examples run, and its CLI reference names real commands.

Conventions for writing docs (README.md and docs/**/*.md):

- Every fenced block whose info string starts with ``python`` is executed. A file's blocks
  run in order, in one fresh namespace per file (a later block uses what an earlier one
  made), with a fresh temporary folder as the current directory and no ``CIVICVOL_STORE``.
- A block whose info string also says ``no-run`` (```` ```python no-run ````) is shown but not
  executed: use it for fragments that need a server, a plug-in package or user input.
- In docs/cli.md, every command named in a heading (``### `civicvol order place` ``) or on a
  ``$ civicvol ...`` line of a console block must exist in the CLI, as listed by
  ``civicvol <group> --help``.
"""

from __future__ import annotations

import re
import shlex
from functools import cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FENCE = re.compile(r"^(?P<indent> *)(?P<fence>```+|~~~+)(?P<info>.*)$")


def documentation_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def fenced_blocks(text: str) -> list[tuple[int, str, str]]:
    """Every fenced block as (line number of its first line, info string, code)."""
    blocks: list[tuple[int, str, str]] = []
    lines = text.splitlines()
    i = 0
    while i < len(lines):
        opening = FENCE.match(lines[i])
        if not opening:
            i += 1
            continue
        fence, indent = opening["fence"], len(opening["indent"])
        body: list[str] = []
        i += 1
        while i < len(lines) and not lines[i].strip().startswith(fence):
            body.append(lines[i][indent:] if lines[i][:indent].isspace() else lines[i])
            i += 1
        blocks.append((i - len(body) + 1, opening["info"].strip(), "\n".join(body) + "\n"))
        i += 1
    return blocks


def python_blocks(path: Path) -> list[tuple[int, str]]:
    found = []
    for line, info, code in fenced_blocks(path.read_text(encoding="utf-8")):
        words = info.replace("{", " ").replace("}", " ").split()
        if words and words[0] == "python" and "no-run" not in words:
            found.append((line, code))
    return found


FILES_WITH_CODE = [p for p in documentation_files() if python_blocks(p)]


@pytest.mark.parametrize("path", FILES_WITH_CODE,
                         ids=[str(p.relative_to(ROOT)) for p in FILES_WITH_CODE])
def test_the_python_examples_run(path: Path, tmp_path: Path,
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CIVICVOL_STORE", raising=False)
    namespace: dict[str, object] = {"__name__": f"docs:{path.name}"}
    for line, code in python_blocks(path):
        # Padding keeps the traceback's line numbers those of the Markdown file.
        source = "\n" * (line - 1) + code
        exec(compile(source, str(path), "exec"), namespace)


def test_the_readme_and_the_tutorial_have_runnable_examples() -> None:
    names = {p.relative_to(ROOT).as_posix() for p in FILES_WITH_CODE}
    assert {"README.md", "docs/tutorial.md"} <= names


def test_fenced_blocks_are_found_with_their_info_and_line() -> None:
    text = "intro\n```python\nx = 1\n```\n\n```python no-run\ny = 2\n```\n"
    assert fenced_blocks(text) == [(3, "python", "x = 1\n"), (7, "python no-run", "y = 2\n")]


# --- the CLI reference ---------------------------------------------------------------------------
GLOBAL_OPTIONS_WITH_VALUE = {"--store", "--as", "--config"}


@cache
def sub_commands(*path: str) -> frozenset[str] | None:
    """The sub-commands listed by ``civicvol PATH --help``, or None for a plain command."""
    from click.testing import CliRunner

    from civicvol.cli import cli

    done = CliRunner().invoke(cli, [*path, "--help"], prog_name="civicvol",
                              env={"COLUMNS": "200"})
    assert done.exit_code == 0, f"civicvol {' '.join(path)} --help failed: {done.output}"
    if "\nCommands:" not in done.output:
        return None
    listing = done.output.split("\nCommands:", 1)[1]
    return frozenset(m[1] for m in re.finditer(r"(?m)^  (\S+)", listing))


def command_path(words: list[str]) -> tuple[list[str], str | None]:
    """The command named by ``civicvol WORDS`` (global options skipped), and what is wrong."""
    rest = list(words)
    while rest and rest[0].startswith("--"):
        option = rest.pop(0)
        if option in GLOBAL_OPTIONS_WITH_VALUE and rest:
            rest.pop(0)
    path: list[str] = []
    while True:
        commands = sub_commands(*path)
        if commands is None:
            return path, None
        if not rest or rest[0].startswith("-"):
            return path, None if path else "no command named"
        if rest[0] not in commands:
            where = " ".join(["civicvol", *path])
            return path, f"{where} has no command {rest[0]!r} (it has {sorted(commands)})"
        path.append(rest.pop(0))


def documented_commands() -> list[tuple[int, list[str]]]:
    """(line, words after 'civicvol') for every command named in docs/cli.md."""
    named = []
    lines = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if line.startswith("#"):
            named += [(number, m[1].split()) for m in re.finditer(r"`civicvol\s+([^`]+)`", line)]
        elif line.lstrip().startswith("$ civicvol"):
            command = line.lstrip()[len("$ civicvol"):].split(" #", 1)[0]
            named.append((number, shlex.split(command.rstrip("\\"))))
    return named


def test_every_command_in_the_cli_reference_exists() -> None:
    named = documented_commands()
    assert len(named) > 20, "docs/cli.md names too few commands; did its layout change?"
    wrong = []
    for line, words in named:
        _, problem = command_path(words)
        if problem:
            wrong.append(f"docs/cli.md:{line}: civicvol {' '.join(words)}: {problem}")
    assert not wrong, "\n".join(wrong)


def test_a_misspelt_command_is_caught() -> None:
    assert command_path(["--as", "resident:r-1", "order", "plaec"])[1]
    assert command_path(["--store", "memory://", "order", "place", "--service", "x"]) == (
        ["order", "place"], None)

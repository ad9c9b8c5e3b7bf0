"""Babel's extraction for civicvol: the ``_()``/``ngettext()``/``N_()`` literals, and the
docstrings of click commands, which click shows as their help (see docs/i18n.md).

Used by ``pybabel extract -F babel.cfg`` (its ``[extractors]`` section names
:func:`extract`) and by the catalog tests; the CLI translates a command's docstring where it
shows it (:func:`civicvol.cli.localise.localise`).
"""

from __future__ import annotations

import ast
import inspect
from collections.abc import Iterator
from typing import Any

KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}
# what Babel's extraction methods yield: line, function name, message(s), comments (Babel's
# own annotations of it disagree with what it does, hence Any)
Extracted = Any


def _is_click_command(decorator: ast.expr) -> bool:
    """``@group.command(...)``, ``@click.group()``, ``@click.command`` and the like."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    name = target.attr if isinstance(target, ast.Attribute) else getattr(target, "id", "")
    return name in ("command", "group")


def command_docstrings(source: str) -> Iterator[tuple[int, str]]:
    """The help texts click makes from the docstrings of decorated command functions."""
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and any(
                _is_click_command(d) for d in node.decorator_list):
            if any(isinstance(d, ast.Call) and _is_click_command(d)
                   and any(k.arg == "help" for k in d.keywords) for d in node.decorator_list):
                continue  # help= given: the docstring is not shown
            doc = ast.get_docstring(node, clean=False)
            if doc:
                help_text = inspect.cleandoc(doc).partition("\f")[0]
                yield node.body[0].lineno, help_text


def extract(fileobj: Any, keywords: Any, comment_tags: Any,
            options: Any) -> Iterator[Extracted]:
    """Babel extraction method: Python's gettext calls plus click commands' docstrings."""
    from babel.messages.extract import extract_python

    source = fileobj.read()
    fileobj.seek(0)
    for lineno, funcname, message, comments in extract_python(fileobj, keywords, comment_tags,
                                                              options):
        yield lineno, funcname, message, comments
    for lineno, text in command_docstrings(source.decode("utf-8")):
        yield lineno, "_", text, []  # shown through _() by civicvol.cli.localise


def source_messages(root: str) -> dict[str, list[str]]:
    """Every msgid marked in the Python files under ``root``, with where it is (for tests)."""
    from pathlib import Path

    from babel.messages.extract import extract_from_file

    found: dict[str, list[str]] = {}
    for path in sorted(Path(root).rglob("*.py")):
        for lineno, message, _comments, _context in extract_from_file(
                extract, str(path), keywords=KEYWORDS, comment_tags=()):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids[:1]:
                if msgid:
                    found.setdefault(msgid, []).append(f"{path}:{lineno}")
    return found

"""The command line in the chosen language: commands' help (their docstrings or ``help=``),
options' help, and click's own words ("Usage:", "Missing option" ...).

Click reads ``help=`` when a module is imported, so each help text is kept as written (its
English msgid) and translated again whenever the command is looked up; a process may change
language between two commands (the tests do).
"""

from __future__ import annotations

import inspect
import sys
from weakref import WeakKeyDictionary

import click

from civicvol.i18n import _, msgid_of, ngettext, set_language

# each command's and parameter's help as written, before translation
_written: WeakKeyDictionary[object, tuple[str | None, str | None]] = WeakKeyDictionary()
_CLICK_MODULES = ("core", "decorators", "exceptions", "formatting", "parser", "types",
                  "termui", "utils")


def _translated(item: object, attributes: tuple[str, str]) -> None:
    if item not in _written:  # as written: English, even if made while another language was on
        _written[item] = tuple(  # type: ignore[assignment]
            msgid_of(text) if isinstance(text, str) else text
            for text in (getattr(item, attributes[0], None), getattr(item, attributes[1], None)))
    for attribute, written in zip(attributes, _written[item], strict=True):
        if written:  # click keeps a docstring as written; its msgid is the cleaned text
            text = inspect.cleandoc(written).partition("\f")[0] if attribute == "help" else written
            setattr(item, attribute, _(text))


def localise(command: click.Command) -> click.Command:
    """Put the command's (and its loaded sub-commands') help in the current language."""
    _translated(command, ("help", "short_help"))
    help_option = getattr(command, "_help_option", None)  # click keeps the one it made
    for param in [*command.params, *([help_option] if help_option else [])]:
        if isinstance(param, click.Option):
            _translated(param, ("help", "prompt"))
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            localise(sub)
    return command


def speak_click() -> None:
    """Click's own texts through civicvol's catalog (click calls ``gettext`` at run time)."""
    for name in _CLICK_MODULES:
        module = sys.modules.get(f"click.{name}")
        if module is not None:
            if hasattr(module, "_"):
                module._ = _  # type: ignore[attr-defined]
            if hasattr(module, "ngettext"):
                module.ngettext = ngettext  # type: ignore[attr-defined]


def language_in(args: list[str]) -> str | None:
    """``--lang`` from the command line, read before click parses (help is rendered while
    parsing); the first one before ``--`` counts."""
    for i, arg in enumerate(args):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--lang="):
            return arg.partition("=")[2]
    return None


def choose_language(args: list[str]) -> None:
    lang = language_in(args)
    if lang is not None:
        set_language(lang)
    speak_click()

"""One line on stderr and a non-zero exit for a refused command (kept apart from the rest of
the CLI's helpers so that starting ``civicvol`` imports nothing else)."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import TypeVar

import click

from civicvol.domain.errors import CivicVolError
from civicvol.i18n import _

T = TypeVar("T")


def run_guarded(call: Callable[[], T]) -> T:
    """Run a command; a CivicVolError or a usage mistake becomes one line on stderr and a
    non-zero exit."""
    try:
        return call()
    except CivicVolError as error:
        message = str(error)
        if error.cli_hint:  # what to type, which the Python API's message leaves out
            message = _("{message}; {hint}").format(message=message, hint=error.cli_hint)
        click.echo(_("error: {error}").format(error=message), err=True)
        sys.exit(error.exit_code)
    except click.exceptions.NoArgsIsHelpError:
        raise  # a bare group prints its help, as click does
    except click.UsageError as error:
        where = error.ctx.command_path if error.ctx else "civicvol"
        message = " ".join(error.format_message().split())
        click.echo(_("error: {message} (see '{where} --help')").format(
                     message=message, where=where), err=True)
        sys.exit(error.exit_code)

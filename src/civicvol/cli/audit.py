"""civicvol audit ...: the auditors' commands (read-only, except keygen and checkpoint files).

The commands live in small modules beside this one, each adding to the ``audit`` group.
"""

from __future__ import annotations

import click


@click.group()
def audit() -> None:
    """Verify, export and replay the history; trace points and hours to their events."""


COMMANDS = [audit]

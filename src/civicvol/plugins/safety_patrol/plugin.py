"""The safety-patrol plug-in's hooks: the entry point named in pyproject.toml."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from civicvol.plugins.markers import hookimpl
from civicvol.plugins.safety_patrol.permissions import PERMISSIONS
from civicvol.plugins.safety_patrol.settings import SETTINGS
from civicvol.plugins.settings import Setting

if TYPE_CHECKING:
    from datetime import datetime

    import click

    from civicvol.app.application import CivicVol
    from civicvol.demo import District
    from civicvol.plugins.safety_patrol.commands import SafetyPatrol
    from civicvol.plugins.safety_patrol.report import SafetyPatrolFigures

NAME = "safety-patrol"
civicvol_requires = ">=0.1,<0.2"


@hookimpl
def register_settings() -> Mapping[str, Setting]:
    return SETTINGS


@hookimpl
def register_permissions(grant: Callable[..., None]) -> None:
    for command, roles in PERMISSIONS.items():
        grant(command, *roles)


@hookimpl
def register_service(app: CivicVol, settings: Mapping[str, Any]) -> SafetyPatrol:
    from civicvol.plugins.safety_patrol.commands import SafetyPatrol

    return SafetyPatrol(app, default_deadline_days=settings["default_deadline_days"])


@hookimpl
def register_commands(cli: click.Group) -> None:
    from civicvol.plugins.safety_patrol.cli import safety_patrol

    cli.add_command(safety_patrol)


@hookimpl
def fire_deadlines(now: datetime, service: SafetyPatrol) -> list[tuple[str, str]]:
    return service.mark_overdue(now)


@hookimpl
def report_sections() -> SafetyPatrolFigures:
    from civicvol.plugins.safety_patrol.report import SafetyPatrolFigures

    return SafetyPatrolFigures()


@hookimpl
def build_demo(app: CivicVol, district: District,
               progress: Callable[[str, int, int], None]) -> None:
    from civicvol.plugins.safety_patrol.commands import SafetyPatrol
    from civicvol.plugins.safety_patrol.demo import build_safety_patrol

    build_safety_patrol(app.plugin(NAME, SafetyPatrol), district, progress)

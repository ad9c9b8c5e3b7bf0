"""The ``knitting-drives`` plug-in: its hooks, registered in the entry-point group ``civicvol``.

Settings (``[plugins.knitting-drives]`` in civicvol.toml)::

    points_per_piece = 2    # points a knitter earns per hat or scarf (0: none)
    recipients = ["鹤湾敬老院", "鸿福敬老院", "滇源中心学校三转弯小学"]   # a new drive's default
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from civicvol.plugins.knitting_drives.permissions import (
    CREDITS,
    PERMISSIONS,
    KnittingSettings,
)
from civicvol.plugins.markers import hookimpl
from civicvol.plugins.settings import Setting

if TYPE_CHECKING:
    import click

    from civicvol.app.application import CivicVol
    from civicvol.demo import District
    from civicvol.plugins.knitting_drives.commands import KnittingDrives
    from civicvol.plugins.knitting_drives.report import KnittingFigures

civicvol_requires = ">=0.1,<0.2"
NAME = "knitting-drives"


def check_points_per_piece(value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 100:
        raise ValueError("give a whole number of points from 0 to 100")


def check_recipients(value: Any) -> None:
    if not value or not all(isinstance(v, str) and v.strip() for v in value):
        raise ValueError("give a list of one or more institution names")


@hookimpl
def register_settings() -> Mapping[str, Setting]:
    d = KnittingSettings()
    return {
        "points_per_piece": Setting(d.points_per_piece, "points a knitter earns per hat or "
                                    "scarf (pending the points audit)", check_points_per_piece),
        "recipients": Setting(list(d.recipients), "the institutions a new drive knits for "
                              "when none are named", check_recipients),
    }


@hookimpl
def register_permissions(grant: Callable[..., None]) -> None:
    for command, roles in PERMISSIONS.items():
        grant(command, *roles, credits=CREDITS.get(command, ()))


@hookimpl
def register_service(app: CivicVol, settings: Mapping[str, Any]) -> KnittingDrives:
    from civicvol.plugins.knitting_drives.commands import KnittingDrives

    # Resolved settings hold every key: a value from civicvol.toml, else the default above.
    return KnittingDrives(app, KnittingSettings(points_per_piece=settings["points_per_piece"],
                                                recipients=tuple(settings["recipients"])))


@hookimpl
def register_commands(cli: click.Group) -> None:
    from civicvol.plugins.knitting_drives.cli import knitting_drives

    cli.add_command(knitting_drives)


@hookimpl
def report_sections() -> KnittingFigures:
    from civicvol.plugins.knitting_drives.report import KnittingFigures

    return KnittingFigures()


@hookimpl
def build_demo(app: CivicVol, district: District,
               progress: Callable[[str, int, int], None]) -> None:
    from civicvol.plugins.knitting_drives.commands import KnittingDrives
    from civicvol.plugins.knitting_drives.demo import build_knitting_demo

    build_knitting_demo(app, app.plugin(NAME, KnittingDrives), district, progress)

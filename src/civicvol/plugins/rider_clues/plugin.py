"""The rider-clues plug-in's hooks: the entry point named in pyproject.toml."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from civicvol.plugins.markers import hookimpl
from civicvol.plugins.rider_clues.permissions import CREDITS, PERMISSIONS
from civicvol.plugins.rider_clues.settings import SETTINGS
from civicvol.plugins.settings import Setting

if TYPE_CHECKING:
    import click

    from civicvol.app.application import CivicVol
    from civicvol.demo import District
    from civicvol.plugins.rider_clues.commands import RiderClues
    from civicvol.plugins.rider_clues.report import RiderCluesFigures

NAME = "rider-clues"
civicvol_requires = ">=0.1,<0.2"


@hookimpl
def register_settings() -> Mapping[str, Setting]:
    return SETTINGS


@hookimpl
def register_permissions(grant: Callable[..., None]) -> None:
    for command, roles in PERMISSIONS.items():
        grant(command, *roles, credits=CREDITS.get(command, ()))


@hookimpl
def check_settings(settings: Mapping[str, Any]) -> None:
    """Points may be set only for categories the community added (InvalidClueSettings)."""
    from civicvol.plugins.rider_clues.categories import ClueCategories

    ClueCategories.from_settings(settings["categories"], settings["points"],
                                 settings["default_points"])


@hookimpl
def register_service(app: CivicVol, settings: Mapping[str, Any]) -> RiderClues:
    from civicvol.plugins.rider_clues.categories import ClueCategories
    from civicvol.plugins.rider_clues.commands import RiderClues

    categories = ClueCategories.from_settings(settings["categories"], settings["points"],
                                              settings["default_points"])
    return RiderClues(app, categories, settings["station"])


@hookimpl
def register_commands(cli: click.Group) -> None:
    from civicvol.plugins.rider_clues.cli import rider_clues

    cli.add_command(rider_clues)


@hookimpl
def report_sections(service: RiderClues) -> RiderCluesFigures:
    from civicvol.plugins.rider_clues.report import RiderCluesFigures

    return RiderCluesFigures(service.categories, service.station)


@hookimpl
def register_routes(service: RiderClues) -> Any:
    from civicvol.plugins.rider_clues.web import router

    return router(service)


@hookimpl
def build_demo(app: CivicVol, district: District,
               progress: Callable[[str, int, int], None]) -> None:
    from civicvol.plugins.rider_clues.commands import RiderClues
    from civicvol.plugins.rider_clues.demo import build_rider_clues

    build_rider_clues(app.plugin(NAME, RiderClues), district, progress)

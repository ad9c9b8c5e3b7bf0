"""The thank-you-cards plug-in's hooks (the entry point named in pyproject.toml)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import click
from civicvol.app.application import CivicVol
from civicvol.plugins import Setting, hookimpl

from civicvol_thanks import __version__ as __version__

civicvol_requires = ">=0.1,<0.2"


def _not_negative(points: int) -> None:
    if points < 0:
        raise ValueError("points cannot be negative")


@hookimpl
def register_settings() -> Mapping[str, Setting]:
    return {"points_per_card": Setting(2, help="points a volunteer earns for each card",
                                       check=_not_negative)}


@hookimpl
def register_permissions(grant: Callable[..., None]) -> None:
    # Sending a card credits points for "thank-you-card" sources: no other command may.
    grant("thanks.send", "resident", credits=["thank-you-card"])


@hookimpl
def register_service(app: CivicVol, settings: Mapping[str, Any]) -> object:
    from civicvol_thanks.service import ThankYouCards

    return ThankYouCards(app, settings)


@hookimpl
def register_commands(cli: click.Group) -> None:
    from civicvol_thanks.cli import thank_you_cards

    cli.add_command(thank_you_cards)


@hookimpl
def report_sections() -> object:
    from civicvol_thanks.report import CardFigures

    return CardFigures()

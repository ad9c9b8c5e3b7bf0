"""The ``newsletter`` plug-in's hooks, found through the entry-point group ``civicvol``.

Settings (``[plugins.newsletter]`` in civicvol.toml)::

    title = "《龙江居民简报》"   # the bulletin a new ``found`` command starts by default
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from civicvol.plugins import Setting, hookimpl
from civicvol_newsletter import commands as c
from civicvol_newsletter.commands import Newsletter
from civicvol_newsletter.report import NewsletterFigures

if TYPE_CHECKING:
    import click

    from civicvol import CivicVol

civicvol_requires = ">=0.1,<0.2"
NAME = "newsletter"


def check_title(value: Any) -> None:
    if not str(value).strip():
        raise ValueError("give the bulletin's title, e.g. 《龙江居民简报》")


@hookimpl
def register_settings() -> Mapping[str, Setting]:
    return {"title": Setting("《龙江居民简报》", "the bulletin's title", check_title)}


@hookimpl
def register_permissions(grant: Callable[..., None]) -> None:
    grant(c.FOUND, "administrator")
    for command in (c.APPOINT_EDITOR, c.ASSIGN_ROLES, c.STAND_DOWN_EDITOR):
        grant(command, "administrator", "leader")
    grant(c.PUBLISH, c.EDITOR_ROLE, "leader")


@hookimpl
def register_service(app: CivicVol, settings: Mapping[str, Any]) -> Newsletter:
    return Newsletter(app, title=str(settings["title"]))  # resolved: always holds the key


@hookimpl
def register_commands(cli: click.Group) -> None:
    from civicvol_newsletter.cli import newsletter

    cli.add_command(newsletter)


@hookimpl
def report_sections() -> NewsletterFigures:
    return NewsletterFigures()


@hookimpl
def build_demo(app: CivicVol, district: Any, progress: Callable[[str, int, int], None]) -> None:
    from civicvol_newsletter.demo import build_newsletter_demo

    build_newsletter_demo(app, app.plugin(NAME, Newsletter), district, progress)

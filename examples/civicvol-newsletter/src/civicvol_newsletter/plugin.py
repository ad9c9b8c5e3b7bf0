"""The ``newsletter`` plug-in's hooks, found through the entry-point group ``civicvol``.

Settings (``[plugins.newsletter]`` in civicvol.toml)::

    title = "《龙江居民简报》"   # the bulletin a new ``found`` command starts by default
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from civicvol.plugins import Setting, hookimpl
from civicvol_newsletter import permissions as c

if TYPE_CHECKING:
    import click

    from civicvol import CivicVol
    from civicvol_newsletter.commands import Newsletter
    from civicvol_newsletter.report import NewsletterFigures

# The records, commands and report are imported inside the hooks that need them: civicvol
# imports this module at every start, and a command that does not touch the bulletin should
# not pay for defining its events.

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
    from civicvol_newsletter.commands import Newsletter

    return Newsletter(app, title=str(settings["title"]))  # resolved: always holds the key


@hookimpl
def register_commands(cli: click.Group) -> None:
    from civicvol_newsletter.cli import newsletter

    cli.add_command(newsletter)


@hookimpl
def report_sections() -> NewsletterFigures:
    from civicvol_newsletter.report import NewsletterFigures

    return NewsletterFigures()


@hookimpl
def build_demo(app: CivicVol, district: Any, progress: Callable[[str, int, int], None]) -> None:
    from civicvol_newsletter.commands import Newsletter
    from civicvol_newsletter.demo import build_newsletter_demo

    build_newsletter_demo(app, app.plugin(NAME, Newsletter), district, progress)

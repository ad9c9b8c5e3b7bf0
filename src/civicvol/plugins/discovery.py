"""What is installed, read from the packages' metadata without importing any plug-in.

``civicvol --help`` lists the plug-ins' command groups from here; the manager
(:mod:`civicvol.plugins.manager`) imports a plug-in only when it is loaded.
"""

from __future__ import annotations

import os
from typing import NamedTuple

from civicvol.plugins.entry_point_cache import Row, cached_entry_points
from civicvol.plugins.markers import ENTRY_POINT_GROUP

ALLOW_ENV = "CIVICVOL_PLUGINS"


class InstalledPlugin(NamedTuple):
    """One entry point of the group ``civicvol``: the plug-in's name, its hook module and the
    distribution that declares it."""

    name: str
    module: str
    distribution: str
    version: str


def allowed_plugins() -> set[str] | None:
    """The names allowed by ``CIVICVOL_PLUGINS`` (None: all; empty set: none)."""
    value = os.environ.get(ALLOW_ENV)
    if value is None:
        return None
    return {name.strip() for name in value.split(",") if name.strip()}


def read_metadata() -> list[Row]:
    """The group's entry points as importlib.metadata finds them (imported only here: it is
    a tenth of a read command's start)."""
    from importlib import metadata

    found = []
    for ep in sorted(metadata.entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        dist = ep.dist
        found.append((ep.name, ep.value, dist.metadata["Name"] if dist is not None else "",
                      dist.version if dist is not None else ""))
    return found


def installed_plugins() -> list[InstalledPlugin]:
    """Every plug-in the installed packages declare, by name (allowed or not); from the
    entry-point cache while the installed packages are unchanged."""
    return [InstalledPlugin(*row) for row in cached_entry_points(read_metadata)]


def allowed_installed_plugins() -> list[InstalledPlugin]:
    """The installed plug-ins that ``CIVICVOL_PLUGINS`` lets load."""
    allow = allowed_plugins()
    return [p for p in installed_plugins() if allow is None or p.name in allow]

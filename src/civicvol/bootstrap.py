"""The composition root: a district's application with its plug-ins loaded.

>>> from civicvol import open_district
>>> app = open_district("memory://")          # every installed plug-in (CIVICVOL_PLUGINS)
>>> haircuts = app.plugin("haircut-days")     # a plug-in's application service
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from civicvol.app.application import CivicVol
from civicvol.domain.points_scheme import PointsScheme
from civicvol.plugins.extensions import PluginExtensions
from civicvol.plugins.manager import HookFailure, PluginHost, load_plugins
from civicvol.plugins.settings import config_path_for, read_config
from civicvol.store import default_store_url


def open_district(
    store: str | None = None,
    *,
    plugins: PluginHost | None = None,
    config: str | Path | None = None,
    points_scheme: PointsScheme | None = None,
    on_failure: Callable[[HookFailure], None] | None = None,
    create: bool = True,
) -> CivicVol:
    """Open the district kept in ``store`` with its plug-ins.

    ``plugins`` defaults to every installed plug-in allowed by ``CIVICVOL_PLUGINS``;
    ``config`` is civicvol.toml (default: ``$CIVICVOL_CONFIG``, else the file beside a SQLite
    store). ``on_failure`` is told of each observer hook's failure (default: a warning).
    ``create=False`` opens only a store that exists (``StoreMissing`` otherwise).
    Raises :class:`~civicvol.plugins.errors.PluginSettingError` for a bad plug-in setting.
    """
    store_url = store or default_store_url()
    host = plugins if plugins is not None else load_plugins()
    settings = read_config(config_path_for(store_url, config))
    extensions = PluginExtensions(host, settings, on_failure=on_failure)
    app = CivicVol(store_url, points_scheme=points_scheme, extensions=extensions,
                   create=create)
    extensions.start(app)
    return app

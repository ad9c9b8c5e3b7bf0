"""civicvol's plug-in system (pluggy, project ``civicvol``).

A plug-in implements hooks from :mod:`civicvol.plugins.hookspecs` with ``@hookimpl`` and is
registered in the entry-point group ``civicvol``; built-in plug-ins are registered the same
way. See docs/plugins/authoring.md.
"""

from civicvol.plugins.errors import (
    CommandRefusedByPlugin,
    PluginError,
    PluginMissing,
    PluginNotLoaded,
    PluginSettingError,
)
from civicvol.plugins.extensions import PluginExtensions
from civicvol.plugins.manager import PluginHost, PluginRecord, load_plugins
from civicvol.plugins.markers import ENTRY_POINT_GROUP, PROJECT, hookimpl, hookspec
from civicvol.plugins.settings import Setting

__all__ = [
    "ENTRY_POINT_GROUP",
    "PROJECT",
    "CommandRefusedByPlugin",
    "PluginError",
    "PluginExtensions",
    "PluginHost",
    "PluginMissing",
    "PluginNotLoaded",
    "PluginRecord",
    "PluginSettingError",
    "Setting",
    "hookimpl",
    "hookspec",
    "load_plugins",
]

"""civicvol's plug-in system (pluggy, project ``civicvol``).

A plug-in implements hooks from :mod:`civicvol.plugins.hookspecs` with ``@hookimpl`` and is
registered in the entry-point group ``civicvol``; built-in plug-ins are registered the same
way. See docs/plugins/authoring.md.

The names below are imported on first use (:mod:`civicvol.lazy`): a plug-in's hook
module imports ``civicvol.plugins.markers`` without loading the manager.
"""

from typing import TYPE_CHECKING

from civicvol.lazy import lazy_exports

if TYPE_CHECKING:
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
__getattr__ = lazy_exports(__name__, {
    "CommandRefusedByPlugin": "civicvol.plugins.errors",
    "PluginError": "civicvol.plugins.errors",
    "PluginMissing": "civicvol.plugins.errors",
    "PluginNotLoaded": "civicvol.plugins.errors",
    "PluginSettingError": "civicvol.plugins.errors",
    "PluginExtensions": "civicvol.plugins.extensions",
    "PluginHost": "civicvol.plugins.manager",
    "PluginRecord": "civicvol.plugins.manager",
    "load_plugins": "civicvol.plugins.manager",
    "ENTRY_POINT_GROUP": "civicvol.plugins.markers",
    "PROJECT": "civicvol.plugins.markers",
    "hookimpl": "civicvol.plugins.markers",
    "hookspec": "civicvol.plugins.markers",
    "Setting": "civicvol.plugins.settings",
})

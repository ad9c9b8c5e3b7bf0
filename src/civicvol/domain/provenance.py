"""Which plug-in, in which versions, wrote events of which modules into this store.

When a plug-in's events are first stored (and again when a new version of it first writes),
its provenance is recorded in the same transaction. A reader that cannot find an event's
class then names the plug-in and version to install, instead of failing on an import.
"""

from __future__ import annotations

from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor


class PluginProvenance(CivicAggregate):
    @staticmethod
    def create_id(plugin: str) -> UUID:
        return plugin_provenance_id(plugin)

    @event("Recorded")
    def __init__(self, plugin: str, version: str, modules: tuple[str, ...], by: Actor) -> None:
        self.plugin = plugin
        self.versions = [version]
        self.modules = tuple(modules)

    def has_recorded(self, version: str, modules: tuple[str, ...]) -> bool:
        return version in self.versions and set(modules) <= set(self.modules)

    @event("VersionRecorded")
    def record_version(self, version: str, modules: tuple[str, ...], by: Actor) -> None:
        if version not in self.versions:
            self.versions.append(version)
        self.modules = tuple(dict.fromkeys((*self.modules, *modules)))


def plugin_provenance_id(plugin: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"civicvol:plugin-provenance:{plugin}")


def is_within(module: str, package: str) -> bool:
    """Whether ``module`` is ``package`` or one of its submodules: the rule that makes an
    event class a plug-in's (writing events and naming a missing writer agree on it)."""
    return module == package or module.startswith(package + ".")

"""Reading events whose class is gone: name the plug-in that wrote them, not an import error.

:class:`ProvenanceMapper` is the application's mapper. When a stored event's topic does not
resolve (its plug-in is not installed), it looks up the store's
:class:`~civicvol.domain.provenance.PluginProvenance` records and raises
:class:`~civicvol.plugins.errors.PluginMissing` naming the plug-in and the version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any
from uuid import UUID

from eventsourcing.persistence import Mapper, StoredEvent
from eventsourcing.utils import TopicError

from civicvol.i18n import _
from civicvol.plugins.errors import PluginMissing, UnknownEventTopic

# PluginProvenance's events, by topic: the module loads only when a store's provenance is read.
PROVENANCE_TOPICS = [f"civicvol.domain.provenance:PluginProvenance.{name}"
                     for name in ("Recorded", "VersionRecorded")]


class ProvenanceMapper(Mapper[UUID]):
    """A mapper that explains unresolvable topics by the store's plug-in provenance."""

    # Set by the application once its recorder exists: the stored provenance events.
    provenance_events: Callable[[], Iterable[StoredEvent]] | None = None

    def to_domain_event(self, stored_event: StoredEvent) -> Any:
        try:
            return super().to_domain_event(stored_event)
        except TopicError:
            raise self.missing_writer(stored_event.topic) from None

    def missing_writer(self, topic: str) -> Exception:
        from civicvol.domain.provenance import is_within

        module = topic.partition(":")[0]
        # plug-in name, versions and modules, by provenance record
        writers: dict[UUID, tuple[str, list[str], set[str]]] = {}
        if self.provenance_events is not None:
            for stored in self.provenance_events():
                event: Any = super().to_domain_event(stored)
                plugin, versions, modules = writers.setdefault(
                    event.originator_id, (getattr(event, "plugin", ""), [], set()))
                versions.append(event.version)
                modules.update(event.modules)
        for plugin, versions, modules in writers.values():
            if any(is_within(module, m) for m in modules):
                return PluginMissing(
                    _("this store holds events of plug-in {plugin!r} (version {join}), "
                      "which is not installed here (its event classes cannot be imported); "
                      "install the package that provides the {plugin!r} civicvol plug-in "
                      "(pip install ...) to read them").format(
                      plugin=plugin, join=', '.join(versions)),
                    plugin, versions[-1])
        return UnknownEventTopic(
            _("a stored event's class {topic!r} cannot be found and no plug-in is recorded "
              "as its writer; install the package that defines it").format(topic=topic))


__all__ = ["PROVENANCE_TOPICS", "ProvenanceMapper"]

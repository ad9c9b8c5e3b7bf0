"""Which plug-ins wrote events this process cannot read, found while folding the log.

A report (or a replay) over a store holding events of a plug-in that is not installed does
not fail and does not silently leave the plug-in out: it carries on with everything else and
names each such plug-in once, with the versions that wrote, how many of its events were
skipped and which records (aggregate ids) could not be rebuilt.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from uuid import UUID

from eventsourcing.utils import TopicError, resolve_topic

from civicvol.app.provenance import PROVENANCE_TOPICS
from civicvol.domain.provenance import is_within


class MissingPlugins:
    """A fold over the log: the provenance records it meets, and the events whose class does
    not import, attributed to the plug-in whose modules hold them."""

    name = "missing_plugins"

    def __init__(self) -> None:
        self.writers: dict[str, dict[str, Any]] = {}  # plug-in: versions, modules
        self.unreadable: dict[str, tuple[int, set[UUID]]] = {}  # module: events, records
        self._readable: dict[str, bool] = {}

    def fold(self, notification: Any, decode: Callable[[], Any]) -> None:
        topic = notification.topic
        if topic in PROVENANCE_TOPICS:
            event = decode()
            writer = self.writers.setdefault(event.plugin if hasattr(event, "plugin")
                                             else self._plugin_of_record(event.originator_id),
                                             {"versions": [], "modules": set(),
                                              "id": event.originator_id})
            if event.version not in writer["versions"]:
                writer["versions"].append(event.version)
            writer["modules"].update(event.modules)
            return
        if self._is_readable(topic):
            return
        # Attributed at the end: a plug-in's provenance is stored after its first event.
        module = topic.partition(":")[0]
        count, records = self.unreadable.get(module, (0, set()))
        records.add(notification.originator_id)
        self.unreadable[module] = (count + 1, records)

    def _plugin_of_record(self, record_id: UUID) -> str:
        return next(p for p, w in self.writers.items() if w["id"] == record_id)

    def _is_readable(self, topic: str) -> bool:
        if topic not in self._readable:
            try:
                resolve_topic(topic)
                self._readable[topic] = True
            except TopicError:
                self._readable[topic] = False
        return self._readable[topic]

    def as_list(self) -> list[dict[str, Any]]:
        by_plugin: dict[str, tuple[int, set[UUID]]] = {}
        for module, (count, records) in self.unreadable.items():
            plugin = next((p for p, w in self.writers.items()
                           if any(is_within(module, m) for m in w["modules"])),
                          f"? (module {module}, no writer recorded)")
            total, all_records = by_plugin.get(plugin, (0, set()))
            by_plugin[plugin] = (total + count, all_records | records)
        return [{"plugin": plugin,
                 "versions": list(self.writers.get(plugin, {}).get("versions", [])),
                 "events_skipped": count,
                 "records_not_rebuilt": sorted(str(r) for r in records)}
                for plugin, (count, records) in sorted(by_plugin.items())]


    def not_loaded(self, loaded: set[str], why: Callable[[str], str]) -> list[dict[str, Any]]:
        """The plug-ins that wrote to this store and whose events read here (installed) but
        that are not loaded: their report sections are absent, and the report says so."""
        unreadable = {m["plugin"] for m in self.as_list()}
        return [{"plugin": plugin, "versions": list(writer["versions"]), "reason": why(plugin)}
                for plugin, writer in sorted(self.writers.items())
                if plugin not in loaded and plugin not in unreadable]


def describe_not_loaded(not_loaded: list[dict[str, Any]]) -> list[str]:
    """One line per plug-in left out (``MissingPlugins.not_loaded()``), for standard error."""
    return [f"warning: plug-in {m['plugin']!r} (version {', '.join(m['versions']) or '?'}) "
            f"wrote to this store but is not loaded here ({m['reason']}): its report "
            "section is not shown (every other figure is complete); load it to see it"
            for m in not_loaded]


def describe_missing(missing: list[dict[str, Any]]) -> list[str]:
    """One line per missing plug-in (``MissingPlugins.as_list()``), for standard error."""
    return [f"warning: plug-in {m['plugin']!r} (version {', '.join(m['versions']) or '?'}) "
            f"is not installed: {m['events_skipped']} of its events skipped, "
            f"{len(m['records_not_rebuilt'])} of its records not rebuilt; every other figure "
            "is complete; install the plug-in to see its own" for m in missing]

"""Loading aggregates: eventsourcing's repository, replaying events without per-event checks.

eventsourcing's default projector asserts ``isinstance(event, CanMutateProtocol)`` for every
event it replays. Against a runtime-checkable protocol that check costs more, in Python 3.11,
than applying the event, and civicvol's stored events are all aggregate events that can
mutate. Replaying without it made the order cycle about 30% faster (docs/performance.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from uuid import UUID

from eventsourcing.application import ProjectorFunction, Repository


def project_events(aggregate: Any, events: Iterable[Any]) -> Any:
    """Apply each event to the aggregate in turn (``None`` before the first)."""
    for event in events:
        aggregate = event.mutate(aggregate)
    return aggregate


class CivicRepository(Repository[UUID]):
    @classmethod
    def adopt(cls, repository: Repository[UUID]) -> CivicRepository:
        """This repository with the state (store, snapshots, cache) of ``repository``."""
        adopted = cls.__new__(cls)
        adopted.__dict__.update(repository.__dict__)
        return adopted

    def get(  # type: ignore[override]
        self,
        aggregate_id: UUID,
        *,
        version: int | None = None,
        projector_func: ProjectorFunction[Any, Any] = project_events,
        fastforward_skipping: bool = False,
        deepcopy_from_cache: bool = True,
    ) -> Any:
        return super().get(aggregate_id, version=version, projector_func=projector_func,
                           fastforward_skipping=fastforward_skipping,
                           deepcopy_from_cache=deepcopy_from_cache)

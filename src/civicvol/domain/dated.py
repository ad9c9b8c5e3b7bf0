"""Events that tell the aggregate when they happened, for state dated by its events (the lots
of a point account by the credit's time, a setting's changes by the change's time)."""

from __future__ import annotations

from typing import Any, TypeVar

from civicvol.domain.base import CivicAggregate

T = TypeVar("T")


class DatedEvent(CivicAggregate.Event):
    """While an event is applied, ``event_time(aggregate)`` is its timestamp."""

    def mutate(self, aggregate: T | None) -> T | None:
        if aggregate is not None:
            aggregate.__dict__["_event_time"] = self.timestamp
        result: Any = super().mutate(aggregate)  # type: ignore[arg-type]
        return result  # type: ignore[no-any-return]


def event_time(aggregate: CivicAggregate) -> Any:
    """The timestamp of the event being applied to ``aggregate`` (see :class:`DatedEvent`)."""
    return aggregate.__dict__["_event_time"]

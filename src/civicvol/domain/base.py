"""The base of every civicvol aggregate: events stamped by the domain clock, made by an actor."""

from __future__ import annotations

from datetime import datetime

from eventsourcing.domain import Aggregate

from civicvol.domain import clock


class CivicAggregate(Aggregate):
    """Every event of a civicvol aggregate records when (``timestamp``) and who (``by``)."""

    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    class Created(Event, Aggregate.Created):
        pass

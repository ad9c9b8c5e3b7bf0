"""The base of every civicvol aggregate: events stamped by the domain clock, made by an actor."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from eventsourcing.domain import Aggregate

from civicvol.domain import clock
from civicvol.domain.errors import DatedBeforeItsRecord
from civicvol.i18n import _


class CivicAggregate(Aggregate):
    """Every event of a civicvol aggregate records when (``timestamp``) and who (``by``)."""

    class Event(Aggregate.Event):
        @staticmethod
        def create_timestamp() -> datetime:
            return clock.now()

    class Created(Event, Aggregate.Created):
        pass

    def trigger_event(self, event_class: type[Any], **kwargs: Any) -> None:
        """An event made now is never dated before its record's last event: a writer whose
        clock is behind the store's (another machine writing the same database) is refused
        rather than recording a history that runs backwards. History imported with a past
        clock (``CivicVol.events_dated``) keeps the dates it is given; "as of" reads every
        record as the prefix of its events stamped before the moment, either way."""
        if kwargs.get("timestamp") is None:
            kwargs["timestamp"] = event_class.create_timestamp()
        if kwargs["timestamp"] < self.modified_on and not clock.is_frozen():
            raise DatedBeforeItsRecord(
                _("{kind} {id} cannot record {kind2} at {value}: its last event is dated "
                  "{modified_on}, later than this machine's clock; check the clock of the machine"
                  " making the change (every writer must keep true time)").format(
                  kind=type(self).__name__, id=self.id, kind2=event_class.__name__,
                  value=kwargs['timestamp'].isoformat(),
                  modified_on=self.modified_on.isoformat()))
        super().trigger_event(event_class, **kwargs)

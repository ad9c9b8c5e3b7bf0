"""The district "as of" a past day, computed by replaying the events stamped up to its end.

Nothing is kept for this: every figure as of a day is a fold over the events whose timestamp
is before the next midnight in Asia/Shanghai (the district's clock).

The log's order and the events' timestamps need not agree: history imported later (the
demo, a migration through ``CivicVol.events_dated``) is stored *after* events that happened
*later*. So "as of" filters by each event's own timestamp and scans the whole log; it never
stops at the first later event. One aggregate's events are a sequence: an aggregate as of a
moment is the prefix of its versions stamped before that moment.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from typing import Any
from uuid import UUID

from eventsourcing.domain import Aggregate
from eventsourcing.persistence import Mapper, Notification

from civicvol.app.application import CivicVol, parse_id
from civicvol.app.views import fold_report, points_view
from civicvol.audit.history import events_of
from civicvol.domain import clock
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import InvalidInput
from civicvol.domain.point_account import PointAccount, point_account_id
from civicvol.i18n import _

# Events are written with the timestamp first; reading it needs no decoding (and no keys).
_TIMESTAMP = re.compile(rb'^\{"timestamp":\{"_type_":"datetime_iso","_data_":"([^"]+)"')


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(_("{text!r} is not a date; give it as YYYY-MM-DD, e.g. "
                             "2023-12-31").format(text=text)
                           ) from None


def end_of_day(day: date) -> datetime:
    """The first moment after ``day`` in Asia/Shanghai: "as of" counts events before it."""
    return datetime.combine(day + timedelta(days=1), time(0), DISTRICT_TIME)


def event_time(notification: Notification, mapper: Mapper[UUID]) -> datetime:
    """When an event happened, read from its stored bytes without decoding the event."""
    found = _TIMESTAMP.match(notification.state[:120])
    if found:
        return datetime.fromisoformat(found.group(1).decode())
    event: Any = mapper.to_domain_event(notification)
    timestamp: datetime = event.timestamp
    return timestamp


def events_before(app: CivicVol, moment: datetime) -> Iterator[Notification]:
    """Every stored event stamped before ``moment``, in log order (the whole log is read)."""
    for notification in app.all_events():
        if event_time(notification, app.mapper) < moment:
            yield notification


def district_report_as_of(app: CivicVol, day: date) -> dict[str, Any]:
    """Every figure of the district report (plug-ins' sections too) at the end of ``day``."""
    moment = end_of_day(day)
    # Sections whose figures depend on "today" (hazards overdue) are made on the day itself.
    with clock.frozen_at(moment - timedelta(microseconds=1)):
        sections = app.extensions.report_sections(app)
    counted = _Counter()
    figures = fold_report(app, counted.count(events_before(app, moment)), sections=sections)
    return {"store": app.store_url, "as_of": day.isoformat(), "until": moment.isoformat(),
            "events": counted.seen, **figures}


def aggregate_as_of(app: CivicVol, aggregate_id: UUID, moment: datetime) -> Aggregate | None:
    """The aggregate as it stood at ``moment``: its versions stamped before it, replayed."""
    aggregate: Any = None
    for event in events_of(app, aggregate_id):
        if event.timestamp >= moment:
            break
        aggregate = event.mutate(aggregate)
    return aggregate if isinstance(aggregate, Aggregate) else None


def points_as_of(app: CivicVol, volunteer_id: UUID | str, day: date) -> dict[str, Any]:
    """A volunteer's points (balance, entries) at the end of ``day``."""
    ident = parse_id(volunteer_id, "volunteer")
    account = aggregate_as_of(app, point_account_id(ident), end_of_day(day))
    data = points_view(ident, account if isinstance(account, PointAccount) else None)
    data["as_of"] = day.isoformat()
    return data


class _Counter:
    def __init__(self) -> None:
        self.seen = 0

    def count(self, notifications: Iterator[Notification]) -> Iterator[Notification]:
        for n in notifications:
            self.seen += 1
            yield n

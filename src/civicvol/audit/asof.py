"""The district "as of" a past day, computed by replaying the events stamped up to its end.

Nothing is kept for this: every figure as of a day is a fold over the events whose timestamp
is before the next midnight in Asia/Shanghai (the district's clock).

The log's order and the events' timestamps need not agree: history imported later (the
demo, a migration through ``CivicVol.events_dated``) is stored *after* events that happened
*later*. So "as of" filters by each event's own timestamp and scans the whole log; it never stops at
the first later event. Every figure, a record's as much as the report's, counts the same
events (one definition: :func:`events_before`).
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
from civicvol.app.views import fold_report, order_view, points_view, team_view, volunteer_view
from civicvol.audit.history import events_of
from civicvol.domain import clock
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import InvalidInput, NotFound
from civicvol.domain.membership import Membership, membership_id
from civicvol.domain.point_account import PointAccount, point_account_id
from civicvol.domain.service_order import ServiceOrder
from civicvol.domain.team import Team
from civicvol.domain.volunteer import Volunteer
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
    """Every stored event stamped before ``moment``, in log order (the whole log is read).

    This is the one definition of "as of": the report, ``points show``, the records' ``show
    --as-of`` and :func:`aggregate_as_of` all count exactly these events.
    """
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
    """The aggregate as it stood at ``moment``: its events stamped before it, applied in
    version order. Live history is stamped in order (a record refuses an event dated before
    its last one), so this is a prefix; history imported out of order keeps its dates, and an
    event stamped later is passed over as the report passes over it, never counted early."""
    aggregate: Any = None
    creation: Any = None  # a creation stamped later, kept in case older history needs it
    for event in events_of(app, aggregate_id):
        if event.timestamp >= moment:
            if event.originator_version == 1:
                creation = event
            continue
        if aggregate is None and event.originator_version != 1:
            if creation is None:
                continue
            aggregate = creation.mutate(None)  # the frame the older events happened in
        if aggregate is not None and event.originator_version > aggregate.version + 1:
            aggregate.version = event.originator_version - 1  # past the later-stamped ones
        aggregate = event.mutate(aggregate)
    return aggregate if isinstance(aggregate, Aggregate) else None


def points_as_of(app: CivicVol, volunteer_id: UUID | str, day: date) -> dict[str, Any]:
    """A volunteer's points (balance, entries) at the end of ``day``."""
    ident = parse_id(volunteer_id, "volunteer")
    account = aggregate_as_of(app, point_account_id(ident), end_of_day(day))
    data = points_view(ident, account if isinstance(account, PointAccount) else None,
                       app.validity_for())
    data["as_of"] = day.isoformat()
    return data


def volunteer_as_of(app: CivicVol, volunteer_id: UUID | str, day: date) -> dict[str, Any]:
    """A volunteer's record at the end of ``day``: their fields, the teams they served in
    and their points, each record read as of that moment."""
    moment = end_of_day(day)
    ident = parse_id(volunteer_id, "volunteer")
    found = _record_as_of(app, Volunteer, ident, moment, day, "volunteer")
    teams = [t for t in app.views.memberships.teams_of(str(ident), include_past=True)
             if _serving_as_of(app, UUID(t), ident, moment)]
    points = points_as_of(app, ident, day)
    return {**volunteer_view(found), "teams": teams, "points_balance": points["balance"],
            "points_pending": points["pending"], "as_of": day.isoformat()}


def team_as_of(app: CivicVol, team_id: UUID | str, day: date) -> dict[str, Any]:
    """A team at the end of ``day``, with the members serving in it then."""
    moment = end_of_day(day)
    ident = parse_id(team_id, "team")
    found = _record_as_of(app, Team, ident, moment, day, "team")
    roster = app.views.memberships.members(str(ident), include_past=True)
    serving = sum(1 for m in roster
                  if _serving_as_of(app, ident, UUID(m["volunteer_id"]), moment))
    return {**team_view(found, serving), "as_of": day.isoformat()}


def order_as_of(app: CivicVol, order_id: UUID | str, day: date) -> dict[str, Any]:
    """An order at the end of ``day``: where it stood then."""
    ident = parse_id(order_id, "order")
    found = _record_as_of(app, ServiceOrder, ident, end_of_day(day), day, "order")
    return {**order_view(found), "as_of": day.isoformat()}


def _record_as_of(app: CivicVol, cls: type[Any], ident: UUID, moment: datetime, day: date,
                  what: str) -> Any:
    app.load(cls, ident, what=what)  # an unknown id is refused as by 'show' itself
    found = aggregate_as_of(app, ident, moment)
    if not isinstance(found, cls):
        raise NotFound(_("{what} {ident} did not exist yet at the end of {day} "
                         "(Asia/Shanghai); give a later day, or ask for it as it is now").format(
                             what=_(what), ident=ident, day=day.isoformat()))
    return found


def _serving_as_of(app: CivicVol, team_id: UUID, volunteer_id: UUID, moment: datetime) -> bool:
    found = aggregate_as_of(app, membership_id(team_id, volunteer_id), moment)
    return isinstance(found, Membership) and bool(found.active)


class _Counter:
    def __init__(self) -> None:
        self.seen = 0

    def count(self, notifications: Iterator[Notification]) -> Iterator[Notification]:
        for n in notifications:
            self.seen += 1
            yield n

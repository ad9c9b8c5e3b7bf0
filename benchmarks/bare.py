"""The bare side of the order-cycle benchmark: plain eventsourcing aggregates and application.

These aggregates make the same events, with the same attributes and the same value objects
(so the stored bytes are the same), as civicvol's Volunteer, Team, Membership, ServiceOrder and
PointAccount, but with no authorization, no input checks, no domain clock and no extension
hooks. :func:`run_cycle` loads and saves the same aggregates, in the same transactions, as
civicvol's commands do; the difference in throughput is what civicvol's application costs.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from uuid import NAMESPACE_URL, UUID, uuid5

from eventsourcing.application import (
    AggregateNotFoundError,
    Application,
    ProcessingEvent,
    Repository,
)
from eventsourcing.domain import Aggregate, event
from eventsourcing.persistence import JSONTranscoder, Recording

from civicvol.app.repository import CivicRepository
from civicvol.app.transcodings import register_value_transcodings
from civicvol.domain.values import Actor, ContactDetails, Source

ADMIN = Actor("administrator", "bench")
DISPATCHER = Actor("dispatcher", "bench")
AUDITOR = Actor("points-auditor", "bench")
SYSTEM = Actor("system", "civicvol")


class Volunteer(Aggregate):
    @event("Registered")
    def __init__(self, contact: ContactDetails, community: str, skills: tuple[str, ...],
                 by: Actor) -> None:
        self.contact = contact
        self.community = community
        self.skills = skills
        self.service_hours = Decimal(0)

    @event("ServiceRecorded")
    def record_service(self, order_id: UUID, hours: Decimal, by: Actor) -> None:
        self.service_hours += hours


class Team(Aggregate):
    @event("Created")
    def __init__(self, name: str, kind: str, parent_id: UUID | None, community: str,
                 by: Actor) -> None:
        self.name = name
        self.kind = kind
        self.parent_id = parent_id
        self.community = community


class Membership(Aggregate):
    @staticmethod
    def create_id(team_id: UUID, volunteer_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"civicvol:membership:{team_id}:{volunteer_id}")

    @event("Joined")
    def __init__(self, team_id: UUID, volunteer_id: UUID, by: Actor) -> None:
        self.team_id = team_id
        self.volunteer_id = volunteer_id
        self.orders_taken = 0

    @event("OrderTaken")
    def take_order(self, order_id: UUID, by: Actor) -> None:
        self.orders_taken += 1


class ServiceOrder(Aggregate):
    @event("Placed")
    def __init__(self, requester: str, service: str, description: str, place: str,
                 wanted_time: str, beneficiaries: tuple[str, ...], by: Actor) -> None:
        self.requester = requester
        self.service = service
        self.team_id: UUID | None = None
        self.volunteer_id: UUID | None = None
        self.hours = Decimal(0)

    @event("Dispatched")
    def dispatch(self, team_id: UUID, by: Actor) -> None:
        self.team_id = team_id

    @event("Accepted")
    def accept(self, volunteer_id: UUID, by: Actor) -> None:
        self.volunteer_id = volunteer_id

    @event("Completed")
    def complete(self, hours: Decimal, served: int, by: Actor) -> None:
        self.hours = hours

    @event("Rated")
    def rate(self, stars: int, comment: str, by: Actor) -> None:
        self.stars = stars


class PointAccount(Aggregate):
    @staticmethod
    def create_id(volunteer_id: UUID) -> UUID:
        return uuid5(NAMESPACE_URL, f"civicvol:points:{volunteer_id}")

    @event("Opened")
    def __init__(self, volunteer_id: UUID, by: Actor) -> None:
        self.volunteer_id = volunteer_id
        self.pending: list[str] = []

    @event("Credited")
    def credit(self, entry_id: str, points: int, source: Source, approved: bool,
               by: Actor) -> None:
        self.pending.append(entry_id)

    @event("Approved")
    def approve(self, entry_id: str, by: Actor) -> None:
        self.pending.remove(entry_id)


class BareApp(Application[UUID]):
    name = "bare"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_value_transcodings(transcoder)

    def get_or_none(self, aggregate_id: UUID) -> Any:
        try:
            return self.repository.get(aggregate_id)
        except AggregateNotFoundError:
            return None


def run_cycle(app: BareApp, orders: int, volunteers: int) -> None:
    """What civicvol's commands do for the benchmark's cycle, step for step."""
    get, save = app.repository.get, app.save
    vids = []
    for i in range(volunteers):  # register_volunteer: one new aggregate
        v = Volunteer(contact=ContactDetails(f"志愿者{i}", f"138{i:08d}"), community="东庄社区",
                      skills=(), by=ADMIN)
        save(v)
        vids.append(v.id)
    team = Team(name="学雷锋志愿理发队", kind="special", parent_id=None, community="东庄社区",
                by=ADMIN)  # create_team
    save(team)
    for vid in vids:  # join_team: load team, volunteer, (missing) membership; save membership
        get(team.id), get(vid)
        app.get_or_none(Membership.create_id(team.id, vid))
        save(Membership(team_id=team.id, volunteer_id=vid, by=ADMIN))
    for n in range(orders):
        resident = Actor("resident", f"r-{n}")
        vid = vids[n % volunteers]
        volunteer = Actor("volunteer", str(vid))
        o = ServiceOrder(requester=resident.id, service="理发", description="",
                         place="东庄社区 3 栋", wanted_time="", beneficiaries=("elderly",),
                         by=resident)  # place_order
        save(o)
        o, t = get(o.id), get(team.id)  # dispatch_order
        o.dispatch(t.id, by=DISPATCHER)
        save(o)
        o, v = get(o.id), get(vid)  # accept_order
        o.accept(v.id, by=volunteer)
        m = get(Membership.create_id(o.team_id, v.id))
        m.take_order(o.id, by=volunteer)
        save(o, m)
        o, v = get(o.id), get(vid)  # complete_order, crediting points
        hours = Decimal("1.5")
        o.complete(hours, 1, by=volunteer)
        v.record_service(o.id, hours, by=volunteer)
        account = app.get_or_none(PointAccount.create_id(vid))
        if account is None:
            account = PointAccount(volunteer_id=vid, by=SYSTEM)
        points = int((hours * 10).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        account.credit(f"E{len(account.pending) + 1}", points, Source("order", str(o.id)),
                       False, by=volunteer)
        save(o, v, account)
        o = get(o.id)  # rate_order
        o.rate(5, "师傅手艺好", by=resident)
        save(o)
    for vid in vids[:orders]:  # approve_points: load volunteer and account; approve all pending
        get(vid)
        account = get(PointAccount.create_id(vid))
        for entry in list(account.pending):
            account.approve(entry, by=AUDITOR)
        save(account)


class LeanBareApp(BareApp):
    """The bare application with civicvol's two loading and saving shortcuts (replay without
    eventsourcing's per-event protocol assert; collect events without its protocol checks),
    to measure what civicvol's own work costs when eventsourcing's overheads are equal."""

    def construct_repository(self) -> Repository[UUID]:
        return CivicRepository.adopt(super().construct_repository())

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]:
        processing = ProcessingEvent[UUID]()
        for aggregate in objs:
            processing.events.extend(aggregate.collect_events())
            processing.aggregates[aggregate.id] = aggregate
        recordings = self._record(processing)
        self._take_snapshots(processing)
        self._notify(recordings)
        return recordings

"""The whole application under random sequences of good and bad commands.

A small model says which commands the domain's rules allow. Allowed ones must succeed;
the others must raise a CivicVolError and store nothing. After every step the invariants
hold (no negative balance, every entry traced to its source, one accepting member per
completed order, the report agrees with the aggregates); at the end the log, copied event by
event into a fresh store, rebuilds every aggregate exactly.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import attrs
import pytest
from eventsourcing.persistence import StoredEvent
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    rule,
)

from civicvol import Actor, CivicVol, Source
from civicvol.app.views import district_report, fold_report
from civicvol.domain import clock
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import CivicVolError
from civicvol.domain.values import ContactDetails
from civicvol.domain.volunteer import Volunteer
from tests import strategies as s
from tests.conftest import ADMIN, DISPATCHER, POINTS_AUDITOR, STATION_KEEPER

RESIDENTS = ["r-1001", "r-2002"]
OPEN = ("placed", "dispatched", "accepted")


@attrs.define
class OrderModel:
    requester: str
    status: str = "placed"
    team: UUID | None = None
    volunteer: UUID | None = None


@attrs.define
class ActivityModel:  # branch cycle
    wanted: int
    volunteers: list[UUID] = attrs.Factory(list)


@attrs.define
class EntryModel:
    kind: str  # credit or redemption
    points: int
    status: str  # pending, approved, rejected, reversed


def volunteer_actor(volunteer: UUID) -> Actor:
    return Actor("volunteer", str(volunteer))


class District(RuleBasedStateMachine):
    volunteers = Bundle("volunteers")
    orders = Bundle("orders")
    activities = Bundle("activities")  # branch cycle

    def __init__(self) -> None:
        super().__init__()
        self.app = CivicVol("memory://")
        self.teams: list[UUID] = []
        self.status: dict[UUID, str] = {}
        self.hours: dict[UUID, Decimal] = {}
        self.members: set[tuple[UUID, UUID]] = set()
        self.model_orders: dict[UUID, OrderModel] = {}
        self.accounts: dict[UUID, dict[str, EntryModel]] = {}
        self.phones: dict[UUID, str] = {}
        self.model_activities: dict[UUID, ActivityModel] = {}  # branch cycle

    # --- the judge ---------------------------------------------------------------------------
    def attempt(self, allowed: bool, call: Callable[..., Any], *args: Any) -> Any:
        """Make a command: an allowed one must succeed, any other must be refused cleanly."""
        before = self.app.event_count()
        if allowed:
            return call(*args)
        with pytest.raises(CivicVolError):
            call(*args)
        assert self.app.event_count() == before, f"refused {call.__name__} stored events"
        return None

    def balance(self, volunteer: UUID) -> int:
        entries = self.accounts.get(volunteer, {}).values()
        return (sum(e.points for e in entries if e.kind == "credit" and e.status == "approved")
                - sum(e.points for e in entries if e.kind == "redemption"))

    def add_entry(self, volunteer: UUID, entry: EntryModel) -> str:
        entries = self.accounts.setdefault(volunteer, {})
        entry_id = f"E{len(entries) + 1}"
        entries[entry_id] = entry
        return entry_id

    # --- volunteers and teams ----------------------------------------------------------------
    @initialize(target=volunteers)
    def create_teams_with_members(self) -> Any:
        """The corps with one member and the haircut team with two, to start from."""
        corps = self.app.create_team(ADMIN, "盘龙区志愿服务总队", "corps")
        self.teams = [corps, self.app.create_team(ADMIN, "学雷锋志愿理发队", "special",
                                                  parent=corps, community="东庄社区")]
        people = [("李师傅", "13800138000", 1), ("王阿姨", "13900139000", 1),
                  ("赵骑手", "13700137000", 0)]
        for name, phone, team in people:
            volunteer = self.register((name, True), (phone, True))
            self.join(volunteer, team)
        return multiple(*self.status)

    @rule(target=volunteers, name=s.name_input(), phone=s.phone_input())
    def register(self, name: tuple[str, bool], phone: tuple[str, bool]) -> Any:
        # One person, one registration: a phone of a volunteer who has not left is taken.
        number = phone[0].replace(" ", "").strip()
        taken = phone[1] and any(self.status[v] != "left" for v, p in self.phones.items()
                                 if p == number)
        allowed = name[1] and phone[1] and not taken
        volunteer = self.attempt(allowed, self.app.register_volunteer, ADMIN, name[0],
                                 phone[0], "东庄社区")
        if not allowed:
            return multiple()
        self.status[volunteer], self.hours[volunteer] = "active", Decimal(0)
        self.phones[volunteer] = number
        return volunteer

    @rule(volunteer=volunteers, team=st.integers(0, 1))
    def join(self, volunteer: UUID, team: int) -> None:
        key = (self.teams[team], volunteer)
        allowed = self.status[volunteer] == "active" and key not in self.members
        self.attempt(allowed, self.app.join_team, ADMIN, key[0], volunteer)
        if allowed:
            self.members.add(key)

    @rule(volunteer=volunteers, team=st.integers(0, 1))
    def leave_team(self, volunteer: UUID, team: int) -> None:
        key = (self.teams[team], volunteer)
        allowed = key in self.members
        self.attempt(allowed, self.app.leave_team, volunteer_actor(volunteer), key[0],
                     volunteer)
        self.members.discard(key)

    @rule(volunteer=volunteers)
    def suspend(self, volunteer: UUID) -> None:
        allowed = self.status[volunteer] == "active"
        self.attempt(allowed, self.app.suspend_volunteer, ADMIN, volunteer, "投诉核查中")
        if allowed:
            self.status[volunteer] = "suspended"

    @rule(volunteer=volunteers)
    def reactivate(self, volunteer: UUID) -> None:
        allowed = self.status[volunteer] == "suspended"
        self.attempt(allowed, self.app.reactivate_volunteer, ADMIN, volunteer)
        if allowed:
            self.status[volunteer] = "active"

    @rule(volunteer=volunteers)
    def leave_the_service(self, volunteer: UUID) -> None:
        allowed = self.status[volunteer] != "left"
        self.attempt(allowed, self.app.volunteer_leaves, volunteer_actor(volunteer), volunteer,
                     "搬家")
        self.status[volunteer] = "left"

    # --- the order cycle ---------------------------------------------------------------------
    @rule(target=orders, resident=st.sampled_from(RESIDENTS))
    def place(self, resident: str) -> UUID:
        order: UUID = self.app.place_order(Actor("resident", resident), "理发",
                                           beneficiaries=["elderly"])
        self.model_orders[order] = OrderModel(requester=resident)
        return order

    @rule(order=orders, team=st.integers(0, 1))
    def dispatch(self, order: UUID, team: int) -> None:
        o = self.model_orders[order]
        allowed = o.status in ("placed", "dispatched") and o.team != self.teams[team]
        self.attempt(allowed, self.app.dispatch_order, DISPATCHER, order, self.teams[team])
        if allowed:
            o.status, o.team = "dispatched", self.teams[team]

    @rule(order=orders, volunteer=volunteers)
    def accept(self, order: UUID, volunteer: UUID) -> None:
        o = self.model_orders[order]
        allowed = (o.status == "dispatched" and self.status[volunteer] == "active"
                   and (o.team, volunteer) in self.members)
        self.attempt(allowed, self.app.accept_order, volunteer_actor(volunteer), order)
        if allowed:
            o.status, o.volunteer = "accepted", volunteer

    @rule(order=orders, volunteer=volunteers, reason=s.reasons)
    def decline(self, order: UUID, volunteer: UUID, reason: str) -> None:
        o = self.model_orders[order]
        allowed = bool(reason.strip()) and (
            (o.status == "dispatched" and (o.team, volunteer) in self.members)
            or (o.status == "accepted" and o.volunteer == volunteer))
        self.attempt(allowed, self.app.decline_order, volunteer_actor(volunteer), order,
                     reason)
        if allowed:
            o.status, o.team, o.volunteer = "placed", None, None

    @rule(order=orders, volunteer=volunteers, hours=s.hours_input(),
          served=st.integers(0, 3))
    def complete(self, order: UUID, volunteer: UUID, hours: tuple[str, bool],
                 served: int) -> None:
        o = self.model_orders[order]
        # Only a member still serving on the team completes its order (a leave in between
        # refuses the completion: it is protected by the membership's version).
        allowed = (o.status == "accepted" and o.volunteer == volunteer and hours[1]
                   and self.status[volunteer] == "active" and (o.team, volunteer) in self.members)
        self.attempt(allowed, self.app.complete_order, volunteer_actor(volunteer), order,
                     hours[0], served)
        if allowed:
            o.status = "completed"
            self.hours[volunteer] += Decimal(hours[0])
            points = s.points_for(hours[0])
            if points > 0:
                self.add_entry(volunteer, EntryModel("credit", points, "pending"))

    @rule(order=orders, resident=st.sampled_from(RESIDENTS), stars=s.stars)
    def rate(self, order: UUID, resident: str, stars: int) -> None:
        o = self.model_orders[order]
        allowed = o.status == "completed" and resident == o.requester and 1 <= stars <= 5
        self.attempt(allowed, self.app.rate_order, Actor("resident", resident), order, stars)
        if allowed:
            o.status = "rated"

    @rule(order=orders, who=st.sampled_from([*RESIDENTS, "dispatcher"]), reason=s.reasons)
    def cancel(self, order: UUID, who: str, reason: str) -> None:
        o = self.model_orders[order]
        actor = DISPATCHER if who == "dispatcher" else Actor("resident", who)
        allowed = (o.status in OPEN and bool(reason.strip())
                   and who in ("dispatcher", o.requester))
        self.attempt(allowed, self.app.cancel_order, actor, order, reason)
        if allowed:
            o.status = "cancelled"

    # --- the same commands, aimed where they can succeed ----------------------------------
    @rule(order=orders, data=st.data())
    def a_member_of_the_team_accepts(self, order: UUID, data: st.DataObject) -> None:
        team = self.model_orders[order].team
        # In registration order: ids are random, so sorting them would make draws differ.
        members = [v for v in self.status if (team, v) in self.members]
        if members:
            self.accept(order, data.draw(st.sampled_from(members)))

    @rule(order=orders, hours=s.hours_input(), served=st.integers(0, 3))
    def the_accepting_volunteer_completes(self, order: UUID, hours: tuple[str, bool],
                                          served: int) -> None:
        volunteer = self.model_orders[order].volunteer
        if volunteer is not None:
            self.complete(order, volunteer, hours, served)

    @rule(order=orders, stars=s.stars)
    def the_requester_rates(self, order: UUID, stars: int) -> None:
        self.rate(order, self.model_orders[order].requester, stars)

    @rule(target=orders, resident=st.sampled_from(RESIDENTS), hours=s.hours_input(),
          data=st.data())
    def an_order_goes_to_a_team_that_serves_it(self, resident: str, hours: tuple[str, bool],
                                               data: st.DataObject) -> UUID:
        """点单 → 派单 → 接单 → completed, each step judged like the single commands."""
        order = self.place(resident)
        staffed = [t for t in self.teams if any(m == t for m, _ in self.members)]
        if staffed:
            self.dispatch(order, self.teams.index(data.draw(st.sampled_from(staffed))))
            self.a_member_of_the_team_accepts(order, data)
            self.the_accepting_volunteer_completes(order, hours, 1)
        return order

    @rule(data=st.data())
    def the_auditor_approves_an_account(self, data: st.DataObject) -> None:
        if self.accounts:
            volunteer = data.draw(st.sampled_from(list(self.accounts)))
            entries = list(self.accounts[volunteer])
            self.approve(volunteer, data.draw(st.one_of(st.none(), st.sampled_from(entries))))

    @rule(data=st.data(), reason=s.reasons)
    def the_auditor_reverses_an_entry(self, data: st.DataObject, reason: str) -> None:
        if self.accounts:
            volunteer = data.draw(st.sampled_from(list(self.accounts)))
            entry = data.draw(st.sampled_from(list(self.accounts[volunteer])))
            self.reverse(volunteer, entry, reason)

    @rule(data=st.data())
    def a_volunteer_with_points_redeems(self, data: st.DataObject) -> None:
        if self.accounts:
            volunteer = data.draw(st.sampled_from(list(self.accounts)))
            top = self.balance(volunteer) + 5
            self.redeem(volunteer, data.draw(st.integers(min_value=1, max_value=top)))

    # --- points ------------------------------------------------------------------------------
    @rule(volunteer=volunteers, entry=st.one_of(st.none(), s.entry_ids))
    def approve(self, volunteer: UUID, entry: str | None) -> None:
        entries = self.accounts.get(volunteer)
        pending = [k for k, e in (entries or {}).items()
                   if e.kind == "credit" and e.status == "pending"]
        allowed = entries is not None and (entry is None or entry in pending)
        approved = self.attempt(allowed, self.app.approve_points, POINTS_AUDITOR, volunteer,
                                entry)
        if allowed:
            assert approved == (pending if entry is None else [entry])
            for k in approved:
                self.accounts[volunteer][k].status = "approved"

    @rule(volunteer=volunteers, entry=s.entry_ids, reason=s.reasons)
    def reject(self, volunteer: UUID, entry: str, reason: str) -> None:
        e = self.accounts.get(volunteer, {}).get(entry)
        allowed = (e is not None and e.kind == "credit" and e.status == "pending"
                   and bool(reason.strip()))
        self.attempt(allowed, self.app.reject_points, POINTS_AUDITOR, volunteer, entry, reason)
        if allowed and e is not None:
            e.status = "rejected"

    @rule(volunteer=volunteers, amount=s.point_amounts)
    def redeem(self, volunteer: UUID, amount: int) -> None:
        allowed = (volunteer in self.accounts and 0 < amount <= 100_000
                   and amount <= self.balance(volunteer))
        entry = self.attempt(allowed, self.app.redeem_points, STATION_KEEPER, volunteer,
                             amount, "洗衣液", "蜂享驿站")
        if allowed:
            assert entry == self.add_entry(volunteer, EntryModel("redemption", amount,
                                                                 "approved"))

    @rule(volunteer=volunteers, entry=s.entry_ids, reason=s.reasons)
    def reverse(self, volunteer: UUID, entry: str, reason: str) -> None:
        e = self.accounts.get(volunteer, {}).get(entry)
        allowed = (e is not None and e.kind == "credit" and bool(reason.strip())
                   and (e.status == "pending"
                        or (e.status == "approved" and e.points <= self.balance(volunteer))))
        self.attempt(allowed, self.app.reverse_points, POINTS_AUDITOR, volunteer, entry,
                     reason)
        if allowed and e is not None:
            e.status = "reversed"

    # --- branch cycle: activities asking for several volunteers ----------------------------
    # (kept apart from the single-volunteer orders above, with their own model)
    @rule(target=activities, resident=st.sampled_from(RESIDENTS), wanted=st.integers(1, 3))
    def place_an_activity_for_the_haircut_team(self, resident: str, wanted: int) -> UUID:
        order: UUID = self.app.place_order(Actor("resident", resident), "助老",
                                           volunteers=wanted)
        self.app.dispatch_order(DISPATCHER, order, self.teams[1])
        self.model_activities[order] = ActivityModel(wanted=wanted)
        return order

    @rule(order=activities, volunteer=volunteers)
    def a_volunteer_accepts_the_activity(self, order: UUID, volunteer: UUID) -> None:
        a = self.model_activities[order]
        allowed = (len(a.volunteers) < a.wanted and volunteer not in a.volunteers
                   and self.status[volunteer] == "active"
                   and (self.teams[1], volunteer) in self.members)
        self.attempt(allowed, self.app.accept_order, volunteer_actor(volunteer), order)
        if allowed:
            a.volunteers.append(volunteer)

    @rule(order=activities, volunteer=volunteers, reason=s.reasons)
    def a_volunteer_withdraws_from_the_activity(self, order: UUID, volunteer: UUID,
                                                reason: str) -> None:
        a = self.model_activities[order]
        allowed = volunteer in a.volunteers and bool(reason.strip())
        self.attempt(allowed, self.app.withdraw_from_order, volunteer_actor(volunteer), order,
                     reason)
        if allowed:
            a.volunteers.remove(volunteer)

    @invariant()
    def never_more_acceptances_than_an_activity_asks_for(self) -> None:
        for order_id, model in self.model_activities.items():
            order = self.app.order(order_id)
            assert len(order.volunteers) <= order.volunteers_wanted == model.wanted
            assert list(order.volunteers) == model.volunteers
            assert order.status.value == ("accepted" if len(model.volunteers) == model.wanted
                                          else "dispatched")
            kinds = [type(e).__name__ for e in self.app.events.get(order_id)]
            assert kinds.count("Accepted") - kinds.count("Withdrawn") == len(model.volunteers)

    # --- invariants --------------------------------------------------------------------------
    @invariant()
    def no_balance_is_negative_and_each_matches_the_model(self) -> None:
        for volunteer in self.status:
            account = self.app.point_account(volunteer)
            assert (account is None) == (volunteer not in self.accounts)
            if account is not None:
                assert account.balance >= 0
                assert account.balance == self.balance(volunteer)
                assert {k: e.status.value for k, e in account.entries.items()} == {
                    k: e.status for k, e in self.accounts[volunteer].items()}

    @invariant()
    def every_entry_traces_to_its_source(self) -> None:
        for volunteer in self.accounts:
            account = self.app.point_account(volunteer)
            assert account is not None
            for entry in account.entries.values():
                if entry.kind == "redemption":
                    assert str(entry.source) == f"redemption:{entry.entry_id}"
                    continue
                assert entry.source.kind == "order"
                order = self.app.order(entry.source.id)
                assert order.status.value in ("completed", "rated")
                assert order.volunteer_id == account.volunteer_id

    @invariant()
    def a_completed_order_has_one_accepting_member(self) -> None:
        for order_id, model in self.model_orders.items():
            order = self.app.order(order_id)
            assert order.status.value == model.status
            if model.status not in ("completed", "rated"):
                continue
            team = holder = None
            for event in self.app.events.get(order_id):
                kind = type(event).__name__
                if kind == "Dispatched":
                    team = event.team_id
                elif kind == "Accepted":
                    assert holder is None, "accepted while someone else held it"
                    holder = event.volunteer_id
                elif kind == "Declined":
                    team = holder = None
            assert holder is not None and holder == order.volunteer_id == model.volunteer
            assert team is not None and team == order.team_id
            membership = self.app.membership(team, holder)
            assert membership is not None
            taken = [e for e in self.app.events.get(membership.id)
                     if type(e).__name__ == "OrderTaken" and e.order_id == order_id]
            assert len(taken) >= 1

    @invariant()
    def the_report_agrees_with_the_aggregates(self) -> None:
        report = district_report(self.app)
        statuses = [o.status for o in self.model_orders.values()]
        # branch cycle: the activities are placed orders too
        assert report["orders"]["placed"] == len(statuses) + len(self.model_activities)
        assert report["orders"]["completed"] == sum(st in ("completed", "rated")
                                                    for st in statuses)
        assert report["orders"]["cancelled"] == statuses.count("cancelled")
        assert report["volunteers"]["registered"] == len(self.status)
        assert report["volunteers"]["suspended"] == list(self.status.values()).count(
            "suspended")
        hours = sum((self.app.volunteer(v).service_hours for v in self.status), Decimal(0))
        assert Decimal(report["service"]["hours"]) == hours == sum(self.hours.values(),
                                                                    Decimal(0))
        entries = [e for entries in self.accounts.values() for e in entries.values()]
        credits = [e for e in entries if e.kind == "credit"]
        points = report["points"]
        for status in ("approved", "pending", "rejected", "reversed"):
            assert points[status] == sum(e.points for e in credits if e.status == status)
        assert points["redeemed"] == sum(e.points for e in entries if e.kind == "redemption")
        assert points["outstanding"] == sum(self.balance(v) for v in self.accounts)

    # --- the end: the log rebuilds everything ------------------------------------------------
    def teardown(self) -> None:
        try:
            # The views kept live through every step equal a rebuild from position 1, and
            # their report equals the log-scanning fold.
            assert self.app.views.differences() == []
            live = district_report(self.app)
            scanned = fold_report(self.app, self.app.all_events())
            for section in ("teams", "volunteers", "orders", "service", "points"):
                assert json.loads(json.dumps(live[section], default=str)) == json.loads(
                    json.dumps(scanned[section], default=str)), section
            fresh = replay_into_fresh_store(self.app)
            try:
                assert fresh.event_count() == self.app.event_count()
                for ident in {n.originator_id for n in self.app.all_events()}:
                    live, replayed = self.app.repository.get(ident), fresh.repository.get(ident)
                    if isinstance(live, Volunteer):
                        # The per-person keys stay in the live store's database, so a copy of
                        # the log alone shows every volunteer's personal data as erased.
                        assert replayed.contact == ContactDetails.erased(live.contact.subject)
                        replayed.contact = live.contact
                    assert replayed == live
            finally:
                fresh.close()
        finally:
            self.app.close()


def replay_into_fresh_store(live: CivicVol) -> CivicVol:
    """Copy every stored event of ``live``, in order, into a new memory store."""
    fresh = CivicVol("memory://")
    for n in live.all_events(page=100):
        fresh.recorder.insert_events([StoredEvent(
            originator_id=n.originator_id, originator_version=n.originator_version,
            topic=n.topic, state=n.state)])
    copied = [(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
              for n in fresh.all_events()]
    assert copied == [(n.id, n.originator_id, n.originator_version, n.topic, bytes(n.state))
                      for n in live.all_events()]
    return fresh


District.TestCase.settings = settings(
    max_examples=60, stateful_step_count=50, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDistrict = District.TestCase


# --- gifts: the gift counter and expiring points (branch `gifts`) ----------------------------
# The same district, with a station's counter and the points' validity, the clock moving on.
# The model keeps each approved credit as a dated lot, spends the oldest first and expires
# what is past its validity, as the district's rules say; the invariants: never more gifts
# handed out than were stocked, no point spent after it expired, expiry never touches hours.
COUNTER = "东庄驿站"  # not 蜂享驿站, which the direct redemptions above use
GIFTS = {"毛巾": 10, "洗衣液": 25}
START = datetime(2024, 1, 1, 10, 0, tzinfo=DISTRICT_TIME)


def valid_until(validity: str, earned: date) -> date | None:
    """The first day a lot earned on ``earned`` is no longer valid (the district's rule)."""
    if validity == "never":
        return None
    if validity == "year-end":
        return date(earned.year + 1, 1, 1)
    years = int(validity[:-1])
    if (earned.month, earned.day) == (2, 29):
        return date(earned.year + years, 3, 1)
    return earned.replace(year=earned.year + years)


class DistrictWithAGiftCounter(District):
    def __init__(self) -> None:
        super().__init__()
        self.now = START
        self.validity: list[tuple[datetime, str]] = []
        self.earned: dict[tuple[UUID, str], datetime] = {}
        self.lots: dict[UUID, dict[str, int]] = {}
        self.stock = {gift: 0 for gift in GIFTS}
        self.stocked = 0
        self.spent: list[tuple[UUID, str, date]] = []  # (volunteer, redemption, day)
        self.used_codes: list[str] = []
        self.expired_lots: set[tuple[UUID, str]] = set()

    def attempt(self, allowed: bool, call: Callable[..., Any], *args: Any) -> Any:
        with clock.frozen_at(self.now):
            return super().attempt(allowed, call, *args)

    # --- the model of lots -------------------------------------------------------------------
    def balance(self, volunteer: UUID) -> int:
        return sum(self.lots.get(volunteer, {}).values())

    def add_entry(self, volunteer: UUID, entry: EntryModel) -> str:
        entry_id = super().add_entry(volunteer, entry)
        if entry.kind == "credit":
            self.earned[volunteer, entry_id] = self.now
        return entry_id

    def lot_ends(self, volunteer: UUID, lot: str) -> date | None:
        earned = self.earned[volunteer, lot]
        validity = "never"
        for when, text in self.validity:
            if when <= earned:
                validity = text
        return valid_until(validity, clock.district_day(earned))

    def oldest(self, volunteer: UUID) -> list[str]:
        return sorted(self.lots.get(volunteer, {}), key=lambda lot: int(lot[1:]))

    def due(self, volunteer: UUID, day: date) -> list[str]:
        return [lot for lot in self.oldest(volunteer) if self.lots[volunteer][lot] > 0
                and (ends := self.lot_ends(volunteer, lot)) is not None and ends <= day]

    def expire_model(self, volunteer: UUID, day: date) -> None:
        for lot in self.due(volunteer, day):
            self.add_entry(volunteer, EntryModel("expiry", self.lots[volunteer][lot],
                                                 "approved"))
            self.lots[volunteer][lot] = 0
            self.expired_lots.add((volunteer, lot))

    def balance_after_expiry(self, volunteer: UUID) -> int:
        today = clock.district_day(self.now)
        return self.balance(volunteer) - sum(self.lots[volunteer][lot]
                                             for lot in self.due(volunteer, today))

    def take_oldest(self, volunteer: UUID, points: int) -> None:
        for lot in self.oldest(volunteer):
            take = min(points, self.lots[volunteer][lot])
            self.lots[volunteer][lot] -= take
            points -= take

    # --- the rules above, with lots ----------------------------------------------------------
    @rule(volunteer=District.volunteers, entry=st.one_of(st.none(), s.entry_ids))
    def approve(self, volunteer: UUID, entry: str | None) -> None:
        before = {k for k, e in self.accounts.get(volunteer, {}).items()
                  if e.status == "approved" and e.kind == "credit"}
        District.approve(self, volunteer, entry)
        for k, e in self.accounts.get(volunteer, {}).items():
            if e.kind == "credit" and e.status == "approved" and k not in before:
                self.lots.setdefault(volunteer, {})[k] = e.points

    @rule(volunteer=District.volunteers, amount=s.point_amounts)
    def redeem(self, volunteer: UUID, amount: int) -> None:
        allowed = (volunteer in self.accounts and 0 < amount <= 100_000
                   and amount <= self.balance_after_expiry(volunteer))
        entry = self.attempt(allowed, self.app.redeem_points, STATION_KEEPER, volunteer,
                             amount, "洗衣液", "蜂享驿站")
        if allowed:
            self.expire_model(volunteer, clock.district_day(self.now))
            assert entry == self.add_entry(volunteer, EntryModel("redemption", amount,
                                                                 "approved"))
            self.take_oldest(volunteer, amount)
            self.spent.append((volunteer, entry, clock.district_day(self.now)))

    @rule(volunteer=District.volunteers, entry=s.entry_ids, reason=s.reasons)
    def reverse(self, volunteer: UUID, entry: str, reason: str) -> None:
        e = self.accounts.get(volunteer, {}).get(entry)
        expired = (volunteer, entry) in self.expired_lots
        allowed = (e is not None and e.kind == "credit" and bool(reason.strip())
                   and not expired
                   and (e.status == "pending"
                        or (e.status == "approved" and e.points <= self.balance(volunteer))))
        self.attempt(allowed, self.app.reverse_points, POINTS_AUDITOR, volunteer, entry,
                     reason)
        if allowed and e is not None:
            if e.status == "approved":
                left = self.lots[volunteer].pop(entry)
                self.take_oldest(volunteer, e.points - left)
            e.status = "reversed"

    # --- the counter and the clock -----------------------------------------------------------
    @initialize()
    def open_the_counter(self) -> None:
        with clock.frozen_at(self.now):
            self.app.open_station(ADMIN, COUNTER, "东庄社区")
            for gift, price in GIFTS.items():
                self.app.add_gift(ADMIN, COUNTER, gift, price, 1)
                self.stock[gift] += 1
                self.stocked += 1

    @initialize()
    def the_district_keeps_points_a_year(self) -> None:
        self.the_district_sets_the_validity("1y")

    @rule(volunteer=District.volunteers, points=st.integers(5, 40))
    def a_volunteer_earns_an_award_and_the_audit_approves(self, volunteer: UUID,
                                                          points: int) -> None:
        """The quick way to points (as a plug-in credits them), so that lots pile up, are
        spent and expire."""
        allowed = self.status[volunteer] != "left"
        self.awards = getattr(self, "awards", 0) + 1
        self.attempt(allowed, self.app.credit_points, ADMIN, volunteer, points,
                     Source("award", f"award-{self.awards}"))
        if allowed:
            entry = self.add_entry(volunteer, EntryModel("credit", points, "pending"))
            self.approve(volunteer, entry)

    @rule(volunteer=District.volunteers, points=st.integers(10, 40),
          days=st.sampled_from([30, 200, 366]), gift=st.sampled_from(sorted(GIFTS)),
          expire=st.booleans())
    def a_season_at_the_counter(self, volunteer: UUID, points: int, days: int, gift: str,
                                expire: bool) -> None:
        """Earn, let time pass, maybe run the expiry, then try the counter: the steps that
        make lots old enough to matter, in one rule so that every run meets them."""
        self.a_volunteer_earns_an_award_and_the_audit_approves(volunteer, points)
        self.time_passes(days)
        if expire:
            self.the_district_expires_points()
        self.a_volunteer_redeems_at_the_counter(volunteer, gift)
        self.the_keeper_restocks(gift, 1)

    @rule(days=st.sampled_from([1, 45, 200, 366, 800]))
    def time_passes(self, days: int) -> None:
        self.now += timedelta(days=days)

    @rule(validity=st.sampled_from(["never", "1y", "3y", "year-end", "for ever"]))
    def the_district_sets_the_validity(self, validity: str) -> None:
        allowed = validity != "for ever"
        self.attempt(allowed, self.app.set_points_validity, ADMIN, validity)
        if allowed:
            self.validity.append((self.now, validity))

    @rule()
    def the_district_expires_points(self) -> None:
        hours = {v: self.app.volunteer(v).service_hours for v in self.status}
        self.attempt(True, self.app.expire_points, ADMIN)
        for volunteer in self.accounts:
            self.expire_model(volunteer, clock.district_day(self.now))
        assert {v: self.app.volunteer(v).service_hours for v in self.status} == hours

    @rule(gift=st.sampled_from(sorted(GIFTS)), quantity=st.integers(0, 2))
    def the_keeper_restocks(self, gift: str, quantity: int) -> None:
        self.attempt(quantity > 0, self.app.restock_gift, STATION_KEEPER, COUNTER, gift,
                     quantity)
        if quantity > 0:
            self.stock[gift] += quantity
            self.stocked += quantity

    @rule(volunteer=District.volunteers, gift=st.sampled_from(sorted(GIFTS)))
    def a_volunteer_redeems_at_the_counter(self, volunteer: UUID, gift: str) -> None:
        price = GIFTS[gift]
        allowed = (volunteer in self.accounts and self.stock[gift] > 0
                   and price <= self.balance_after_expiry(volunteer))
        taken = self.attempt(allowed, self.app.issue_redemption_code,
                             volunteer_actor(volunteer), COUNTER, gift)
        if not allowed:
            return
        day = clock.district_day(self.now)
        self.expire_model(volunteer, day)  # the code's command saves the expiries due
        entry = self.attempt(True, self.app.redeem_code, STATION_KEEPER, COUNTER, taken[0])
        assert entry == self.add_entry(volunteer, EntryModel("redemption", price, "approved"))
        self.take_oldest(volunteer, price)
        self.stock[gift] -= 1
        self.spent.append((volunteer, entry, day))
        self.used_codes.append(taken[0])

    @rule(data=st.data())
    def a_used_code_is_refused(self, data: st.DataObject) -> None:
        if self.used_codes:
            code = data.draw(st.sampled_from(self.used_codes))
            self.attempt(False, self.app.redeem_code, STATION_KEEPER, COUNTER, code)

    # --- invariants --------------------------------------------------------------------------
    @invariant()
    def every_entry_traces_to_its_source(self) -> None:
        for volunteer in self.accounts:
            account = self.app.point_account(volunteer)
            assert account is not None
            for entry in account.entries.values():
                if entry.kind == "redemption":
                    assert str(entry.source) == f"redemption:{entry.entry_id}"
                elif entry.kind == "expiry":
                    assert account.entries[entry.source.id].kind == "credit"
                elif entry.source.kind == "order":
                    assert self.app.order(entry.source.id).volunteer_id == volunteer
                else:
                    assert entry.source.kind == "award"

    @invariant()
    def never_more_gifts_handed_out_than_stocked(self) -> None:
        stock = {g.name: g.stock for g in self.app.catalogue(COUNTER)}
        assert stock == self.stock
        assert all(n >= 0 for n in stock.values())
        assert self.app.station(COUNTER).handed_out == self.stocked - sum(stock.values())

    @invariant()
    def no_point_is_spent_after_it_expired(self) -> None:
        for volunteer, redemption, day in self.spent:
            account = self.app.point_account(volunteer)
            assert account is not None
            for lot in account.spent_from[redemption]:
                ends = self.lot_ends(volunteer, lot)
                assert ends is None or day < ends, (lot, ends, day)

    @invariant()
    def the_report_counts_what_expired(self) -> None:
        entries = [e for entries in self.accounts.values() for e in entries.values()]
        assert district_report(self.app)["points"]["expired"] == sum(
            e.points for e in entries if e.kind == "expiry")


DistrictWithAGiftCounter.TestCase.settings = settings(
    max_examples=30, stateful_step_count=80, deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestDistrictWithAGiftCounter = DistrictWithAGiftCounter.TestCase

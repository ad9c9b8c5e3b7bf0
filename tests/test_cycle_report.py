"""The cycle carried through: the report (from the views and from the log), the cycle
section, ``audit trace-points`` and ``audit replay`` agree on a history with review,
pools, activities, hours added afterwards and deadlines."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from civicvol import Actor, CivicVol
from civicvol.app.deadlines import DeadlineProcess
from civicvol.app.views import district_report, fold_report
from civicvol.audit.replay import replay
from civicvol.audit.trace import trace_points
from civicvol.domain import clock
from tests.conftest import ADMIN, DISPATCHER, RESIDENT
from tests.cycle_world import CycleWorld, build_cycle_world

MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def world(app: CivicVol) -> CycleWorld:
    world = build_cycle_world(app)
    app.change_district_setting(ADMIN, "review_orders", True)
    app.change_district_setting(ADMIN, "accept_within_hours", 24)
    app.change_district_setting(ADMIN, "rate_within_days", 7)
    app.change_district_setting(ADMIN, "added_hours_earn_points", True)
    with clock.frozen_at(MONDAY):
        rejected = app.place_order(RESIDENT, "修电脑")
        app.review_order(DISPATCHER, rejected, False, "不在服务范围")
        activity = app.place_order(RESIDENT, "助老", volunteers=2, beneficiaries=["elderly"])
        pooled = app.place_order(RESIDENT, "助老")
        forgotten = app.place_order(RESIDENT, "理发")
        app.place_order(RESIDENT, "理发")  # still waiting for review
        for order in (activity, pooled, forgotten):
            app.review_order(DISPATCHER, order, True)
        app.dispatch_order(DISPATCHER, activity, world.team)
        app.dispatch_order(DISPATCHER, forgotten, world.team)
        app.offer_order(DISPATCHER, pooled, [world.team, world.other_team])
        app.claim_order(Actor("volunteer", str(world.outsider)), pooled, world.other_team)
        app.accept_order(Actor("volunteer", str(world.outsider)), pooled)
        app.complete_order(Actor("volunteer", str(world.outsider)), pooled, "1")
        app.accept_order(world.volunteer(1), activity)
        app.accept_order(world.volunteer(2), activity)
        code = app.start_activity(world.leading, activity)
        app.sign_in(world.volunteer(1), activity, code)
    with clock.frozen_at(MONDAY + timedelta(hours=2)):
        app.sign_out(world.volunteer(1), activity, code)
        app.close_activity(world.leading, activity,
                           {str(world.members[1]): None, str(world.members[2]): "1.5"},
                           served=8)
        app.rate_order(RESIDENT, activity, 5)
        app.add_hours(ADMIN, world.members[1], "2", "补录")
    with clock.frozen_at(MONDAY + timedelta(days=8)):
        DeadlineProcess(app).fire()  # forgotten returns; pooled closes unrated
    return world


def test_the_report_from_the_views_and_from_the_log_agree(world: CycleWorld) -> None:
    live = district_report(world.app)
    scanned = fold_report(world.app, world.app.all_events())
    for section in ("orders", "service", "points"):
        assert json.loads(json.dumps(live[section], default=str)) == json.loads(
            json.dumps(scanned[section], default=str)), section
    orders = live["orders"]
    assert (orders["placed"], orders["completed"], orders["rated"]) == (5, 2, 1)
    assert orders["open"] == 2  # one waiting for review, one back in the queue
    assert live["service"]["hours"] == "4.5"  # 2 + 1.5 at the activity, 1 for the pool
    cycle = live["cycle"]
    assert (cycle["waiting_for_review"], cycle["review_accepted"],
            cycle["review_rejected"]) == (1, 3, 1)
    assert (cycle["returned_unaccepted"], cycle["closed_unrated"]) == (1, 1)
    assert cycle["waiting_for_dispatch"] == 1


def test_trace_points_names_the_close_with_the_volunteers_own_hours_and_added_hours(
        world: CycleWorld) -> None:
    origins = [e["origin"] for e in trace_points(world.app, world.members[1])["entries"]]
    assert [(o["kind"], o["event"]["name"], o["hours"]) for o in origins] == [
        ("order", "ServiceOrder.Closed", "2.00"),
        ("added-hours", "Volunteer.HoursAdded", "2")]


def test_audit_replay_agrees(world: CycleWorld) -> None:
    result = replay(world.app)
    assert result.discrepancies == []

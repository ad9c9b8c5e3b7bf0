"""Deadlines are events fired by a process that follows the log, by the district's limits
and the domain clock (frozen here): an order nobody accepted goes back to the centre's queue,
one not rated closes unrated, a hazard past its deadline is marked overdue. Firing twice or
after a restart stores each deadline once."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from civicvol import CivicVol
from civicvol.app.deadlines import DeadlineProcess
from civicvol.domain import clock
from civicvol.domain.errors import IllegalTransition
from civicvol.domain.values import OrderStatus
from civicvol.plugins.safety_patrol import plugin as safety_patrol_plugin
from civicvol.plugins.safety_patrol.commands import SafetyPatrol
from civicvol.plugins.safety_patrol.inspection import Finding
from tests.conftest import ADMIN, DISPATCHER, RESIDENT
from tests.cycle_world import CycleWorld, build_cycle_world
from tests.refusal import refused

MONDAY = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


@pytest.fixture
def world(app: CivicVol) -> CycleWorld:
    world = build_cycle_world(app)
    app.change_district_setting(ADMIN, "accept_within_hours", 24)
    app.change_district_setting(ADMIN, "rate_within_days", 7)
    return world


def fire_at(app: CivicVol, moment: datetime) -> list[tuple[str, str]]:
    with clock.frozen_at(moment):
        return [(f.kind, f.record) for f in DeadlineProcess(app).fire()]


class TestNotAcceptedInTime:
    def test_back_to_the_centres_queue_after_the_limit_not_before(
            self, world: CycleWorld) -> None:
        app = world.app
        with clock.frozen_at(MONDAY):
            order = world.activity(2)
        assert fire_at(app, MONDAY + timedelta(hours=23)) == []
        assert fire_at(app, MONDAY + timedelta(hours=25)) == [("returned-to-queue",
                                                               str(order))]
        back = app.order(order)
        assert (back.status, back.team_id) == (OrderStatus.PLACED, None)
        assert [r["id"] for r in app.views.orders.queue()] == [str(order)]

    def test_an_accepted_order_stays_with_its_volunteer(self, world: CycleWorld) -> None:
        with clock.frozen_at(MONDAY):
            order = world.activity(1)
            world.app.accept_order(world.volunteer(1), order)
        assert fire_at(world.app, MONDAY + timedelta(days=3)) == []
        assert world.app.order(order).status is OrderStatus.ACCEPTED

    def test_the_wait_restarts_at_a_redispatch(self, world: CycleWorld) -> None:
        app = world.app
        with clock.frozen_at(MONDAY):
            order = world.activity(1)
        with clock.frozen_at(MONDAY + timedelta(hours=20)):
            app.dispatch_order(DISPATCHER, order, world.other_team)
        assert fire_at(app, MONDAY + timedelta(hours=30)) == []
        assert fire_at(app, MONDAY + timedelta(hours=45))[0][0] == "returned-to-queue"

    def test_without_a_limit_nothing_returns(self, world: CycleWorld) -> None:
        world.app.change_district_setting(ADMIN, "accept_within_hours", 0)
        with clock.frozen_at(MONDAY):
            world.activity(1)
        assert fire_at(world.app, MONDAY + timedelta(days=30)) == []


class TestNotRatedInTime:
    def test_closed_unrated_and_no_rating_afterwards(self, world: CycleWorld) -> None:
        app = world.app
        with clock.frozen_at(MONDAY):
            order = world.activity(1)
            app.accept_order(world.volunteer(1), order)
            app.complete_order(world.volunteer(1), order, "2")
        assert fire_at(app, MONDAY + timedelta(days=6)) == []
        assert fire_at(app, MONDAY + timedelta(days=8)) == [("closed-unrated", str(order))]
        assert app.order(order).status is OrderStatus.CLOSED_UNRATED
        assert app.views.orders.get(str(order))["status"] == "closed-unrated"
        refused(app, IllegalTransition, app.rate_order, RESIDENT, order, 5)

    def test_a_rated_order_is_left_alone(self, world: CycleWorld) -> None:
        app = world.app
        with clock.frozen_at(MONDAY):
            order = world.activity(1)
            app.accept_order(world.volunteer(1), order)
            app.complete_order(world.volunteer(1), order, "2")
            app.rate_order(RESIDENT, order, 4)
        assert fire_at(app, MONDAY + timedelta(days=30)) == []


class TestIdempotentAndRestartable:
    def test_fired_again_and_after_a_restart_each_deadline_is_stored_once(
            self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'deadlines.db'}"
        with closing(CivicVol(store)) as app:
            world = build_cycle_world(app)
            app.change_district_setting(ADMIN, "accept_within_hours", 24)
            with clock.frozen_at(MONDAY):
                first, second = world.activity(1), world.activity(1)
            process = DeadlineProcess(app)
            with clock.frozen_at(MONDAY + timedelta(hours=30)):
                assert len(process.fire()) == 2
                assert process.fire() == []  # the same process, again
        with closing(CivicVol(store)) as app, clock.frozen_at(MONDAY + timedelta(hours=31)):
            assert DeadlineProcess(app).fire() == []  # a new process, from the log's start
            expired = [e for _, e in app.decoded_events()
                       if type(e).__name__ == "DispatchExpired"]
            assert sorted(str(e.originator_id) for e in expired) == sorted(
                [str(first), str(second)])


class TestOverdueHazards:
    @pytest.mark.hook("fire_deadlines")
    def test_a_hazard_past_its_deadline_is_marked_overdue_once_by_the_plugins_own_code(
            self, plugin_district: Callable[..., CivicVol]) -> None:
        app = plugin_district(safety_patrol_plugin, name="safety-patrol")
        team = app.create_team(ADMIN, "安全小红帽", "special", community="金星社区")
        member = app.register_volunteer(ADMIN, "李楼栋长", "13800138001", "金星社区")
        app.join_team(ADMIN, team, member)
        patrol = app.plugin("safety-patrol", SafetyPatrol)
        from civicvol import Actor

        with app.events_dated(MONDAY):
            inspection = patrol.inspect(Actor("inspector", str(member)), team, "3 号院",
                                        [Finding("飞线充电", date(2026, 3, 9))])
        hazard = patrol.inspection(inspection).hazard_ids[0]
        assert fire_at(app, MONDAY + timedelta(days=5)) == []
        assert fire_at(app, MONDAY + timedelta(days=9)) == [("hazard-overdue", str(hazard))]
        assert fire_at(app, MONDAY + timedelta(days=10)) == []
        assert patrol.hazard(hazard).marked_overdue

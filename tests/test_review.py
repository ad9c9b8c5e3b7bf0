"""审单: where the district reviews orders, the centre accepts a placed order for dispatch or
rejects it with a reason the resident sees; whether it reviews is a setting kept as events."""

from __future__ import annotations

import pytest

from civicvol import CivicVol
from civicvol.app.views import order_view
from civicvol.domain.district_settings import DistrictSettings
from civicvol.domain.errors import IllegalTransition, InvalidInput, InvalidSetting, PermissionDenied
from civicvol.domain.values import OrderStatus
from tests.conftest import ADMIN, DISPATCHER, RESIDENT
from tests.cycle_world import CycleWorld, build_cycle_world
from tests.refusal import refused


@pytest.fixture
def world(app: CivicVol) -> CycleWorld:
    world = build_cycle_world(app)
    app.change_district_setting(ADMIN, "review_orders", "true")
    return world


class TestReview:
    def test_a_placed_order_waits_for_review_and_is_dispatched_once_accepted(
            self, world: CycleWorld) -> None:
        app = world.app
        order = app.place_order(RESIDENT, "理发")
        assert app.order(order).status is OrderStatus.REVIEWING
        assert app.views.orders.queue() == []  # not in the dispatcher's queue yet
        assert "review" in refused(app, IllegalTransition, app.dispatch_order, DISPATCHER,
                                   order, world.team)
        app.review_order(DISPATCHER, order, True)
        assert [row["id"] for row in app.views.orders.queue()] == [str(order)]
        app.dispatch_order(DISPATCHER, order, world.team)
        assert app.order(order).status is OrderStatus.DISPATCHED

    def test_a_rejected_order_tells_the_resident_why_and_goes_no_further(
            self, world: CycleWorld) -> None:
        app = world.app
        order = app.place_order(RESIDENT, "修电脑")
        app.review_order(DISPATCHER, order, False, "不在志愿服务范围内, 请联系社区服务中心")
        shown = order_view(app.order(order))
        assert shown["status"] == "rejected"
        assert shown["rejection_reason"] == "不在志愿服务范围内, 请联系社区服务中心"
        assert app.views.orders.get(str(order))["status"] == "rejected"
        refused(app, IllegalTransition, app.dispatch_order, DISPATCHER, order, world.team)
        refused(app, IllegalTransition, app.cancel_order, RESIDENT, order, "算了")

    def test_rejecting_needs_a_reason_and_an_order_is_reviewed_once(
            self, world: CycleWorld) -> None:
        app = world.app
        order = app.place_order(RESIDENT, "理发")
        refused(app, InvalidInput, app.review_order, DISPATCHER, order, False, " ")
        app.review_order(DISPATCHER, order, True, "")
        refused(app, IllegalTransition, app.review_order, DISPATCHER, order, False, "重复")

    def test_only_the_centre_reviews(self, world: CycleWorld) -> None:
        order = world.app.place_order(RESIDENT, "理发")
        refused(world.app, PermissionDenied, world.app.review_order, RESIDENT, order, True)
        refused(world.app, PermissionDenied, world.app.review_order, ADMIN, order, True)


class TestTheSetting:
    def test_without_review_orders_go_straight_to_the_queue_as_before(
            self, app: CivicVol) -> None:
        build_cycle_world(app)
        order = app.place_order(RESIDENT, "理发")
        assert app.order(order).status is OrderStatus.PLACED
        refused(app, IllegalTransition, app.review_order, DISPATCHER, order, True)

    def test_history_says_when_the_district_started_and_stopped_reviewing(
            self, world: CycleWorld) -> None:
        app = world.app
        before = app.place_order(RESIDENT, "理发")
        assert app.change_district_setting(ADMIN, "review_orders", False)
        assert not app.change_district_setting(ADMIN, "review_orders", "no")  # no change
        after = app.place_order(RESIDENT, "理发")
        assert app.order(before).status is OrderStatus.REVIEWING
        assert app.order(after).status is OrderStatus.PLACED
        changes = [(e.key, e.value) for e in app.events.get(DistrictSettings.create_id())
                   if type(e).__name__ == "Changed"]
        assert changes == [("review_orders", True), ("review_orders", False)]

    def test_unknown_settings_and_bad_values_are_refused(self, world: CycleWorld) -> None:
        app = world.app
        assert "review_orders" in refused(app, InvalidSetting, app.change_district_setting,
                                          ADMIN, "reveiw", "true")
        refused(app, InvalidSetting, app.change_district_setting, ADMIN, "review_orders",
                "maybe")
        refused(app, InvalidSetting, app.change_district_setting, ADMIN,
                "accept_within_hours", "-3")
        refused(app, PermissionDenied, app.change_district_setting, DISPATCHER,
                "review_orders", "false")

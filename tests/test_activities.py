"""Activities: an order asks for several volunteers; members of the team accept until it is
full, may withdraw before it starts, sign in and out with its one-time code, and the leader
closes it with the attendance: hours and points for each, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from civicvol import Actor, CivicVol
from civicvol.domain import clock
from civicvol.domain.errors import (
    ActivityFull,
    IllegalTransition,
    InvalidHours,
    InvalidInput,
    NotTheAcceptingVolunteer,
    OrderAlreadyRated,
    PermissionDenied,
    WrongActivityCode,
)
from civicvol.domain.values import OrderStatus
from tests.conftest import DISPATCHER, RESIDENT
from tests.cycle_world import CycleWorld, build_cycle_world
from tests.refusal import refused

NINE = datetime(2026, 3, 5, 1, 0, tzinfo=UTC)  # 09:00 in the district


@pytest.fixture
def world(app: CivicVol) -> CycleWorld:
    return build_cycle_world(app)


def filled(world: CycleWorld, volunteers: int = 3) -> object:
    order = world.activity(volunteers)
    for n in range(1, volunteers + 1):
        world.app.accept_order(world.volunteer(n), order)
    return order


class TestAcceptingUntilFull:
    def test_members_accept_until_the_activity_has_its_volunteers(
            self, world: CycleWorld) -> None:
        order = world.activity(3)
        world.app.accept_order(world.volunteer(1), order)
        world.app.accept_order(world.volunteer(2), order)
        waiting = world.app.order(order)
        assert waiting.status is OrderStatus.DISPATCHED  # still filling up
        assert world.app.views.orders.get(str(order))["status"] == "dispatched"
        world.app.accept_order(world.volunteer(3), order)
        full = world.app.order(order)
        assert full.status is OrderStatus.ACCEPTED
        assert full.volunteers == tuple(world.members[1:4])
        assert world.app.views.orders.get(str(order))["status"] == "accepted"

    def test_the_one_more_is_told_the_activity_is_full(self, world: CycleWorld) -> None:
        order = filled(world, 3)
        message = refused(world.app, ActivityFull, world.app.accept_order,
                          world.volunteer(4), order)
        assert "full" in message and "3 volunteers" in message

    def test_a_volunteer_accepts_an_activity_once(self, world: CycleWorld) -> None:
        order = world.activity(3)
        world.app.accept_order(world.volunteer(1), order)
        assert "already accepted" in refused(world.app, IllegalTransition,
                                             world.app.accept_order, world.volunteer(1), order)

    def test_asking_for_no_volunteers_is_refused(self, world: CycleWorld) -> None:
        for wanted in (0, -2, 1000):
            assert "volunteers" in refused(world.app, InvalidInput, world.app.place_order,
                                           RESIDENT, "助老", volunteers=wanted)

    def test_an_activity_is_closed_by_its_leader_not_completed_by_one_volunteer(
            self, world: CycleWorld) -> None:
        order = filled(world, 2)
        message = refused(world.app, IllegalTransition, world.app.complete_order,
                          world.volunteer(1), order, "2")
        assert "closed by its leader with the attendance" in message
        assert "order close" not in message  # the command is the CLI's hint, not the API's
        with pytest.raises(IllegalTransition) as caught:
            world.app.complete_order(world.volunteer(1), order, "2")
        assert "order close" in caught.value.cli_hint


class TestWithdrawing:
    def test_a_volunteer_withdraws_before_it_starts_and_another_takes_the_place(
            self, world: CycleWorld) -> None:
        order = filled(world, 2)
        world.app.withdraw_from_order(world.volunteer(1), order, "家里有事")
        assert world.app.order(order).status is OrderStatus.DISPATCHED
        world.app.accept_order(world.volunteer(3), order)
        assert world.app.order(order).volunteers == (world.members[2], world.members[3])

    def test_each_volunteer_sees_the_activity_on_their_record_until_they_withdraw(
            self, world: CycleWorld) -> None:
        orders = world.app.views.orders
        order = filled(world, 2)
        for n in (1, 2):
            assert [o["id"] for o in orders.of_volunteer(str(world.members[n]))] == [str(order)]
        assert orders.open_count_of([str(world.members[2])]) == {str(world.members[2]): 1}
        world.app.withdraw_from_order(world.volunteer(2), order, "家里有事")
        assert orders.of_volunteer(str(world.members[2])) == []
        assert [o["id"] for o in orders.list(volunteer=str(world.members[1]))] == [str(order)]

    def test_no_withdrawing_once_it_started(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        world.app.start_activity(world.leading, order)
        assert "before the leader starts" in refused(
            world.app, IllegalTransition, world.app.withdraw_from_order, world.volunteer(1),
            order, "来不了")

    def test_only_who_accepted_withdraws_and_with_a_reason(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        refused(world.app, NotTheAcceptingVolunteer, world.app.withdraw_from_order,
                world.volunteer(4), order, "不想去")
        refused(world.app, InvalidInput, world.app.withdraw_from_order, world.volunteer(1),
                order, "  ")


class TestSigningInAndOut:
    def test_hours_run_from_signing_in_to_signing_out(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        with clock.frozen_at(NINE):
            code = world.app.start_activity(world.leading, order)
            world.app.sign_in(world.volunteer(1), order, code)
        with clock.frozen_at(NINE + timedelta(hours=2, minutes=30)):
            assert world.app.sign_out(world.volunteer(1), order, code) == Decimal("2.50")
        assert world.app.order(order).recorded == {str(world.members[1]): Decimal("2.50")}

    def test_a_wrong_code_is_refused(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        code = world.app.start_activity(world.leading, order)
        wrong = "0" * len(code) if code != "0" * len(code) else "1" * len(code)
        assert "leader shows" in refused(world.app, WrongActivityCode, world.app.sign_in,
                                         world.volunteer(1), order, wrong)

    def test_the_code_signs_each_volunteer_in_once(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        code = world.app.start_activity(world.leading, order)
        world.app.sign_in(world.volunteer(1), order, code)
        refused(world.app, IllegalTransition, world.app.sign_in, world.volunteer(1), order,
                code)

    def test_no_signing_in_before_it_starts_or_for_someone_who_did_not_accept(
            self, world: CycleWorld) -> None:
        order = filled(world, 2)
        assert "not started" in refused(world.app, IllegalTransition, world.app.sign_in,
                                        world.volunteer(1), order, "abcd1234")
        code = world.app.start_activity(world.leading, order)
        refused(world.app, NotTheAcceptingVolunteer, world.app.sign_in, world.volunteer(4),
                order, code)

    def test_only_the_teams_leader_or_the_centre_starts_it(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        refused(world.app, PermissionDenied, world.app.start_activity,
                Actor("leader", str(world.outsider)), order)
        refused(world.app, PermissionDenied, world.app.start_activity, world.volunteer(1),
                order)
        assert world.app.start_activity(DISPATCHER, order)


class TestClosing:
    def test_the_leader_closes_with_the_attendance_hours_and_points_for_each(
            self, world: CycleWorld) -> None:
        app = world.app
        order = filled(world, 3)
        with clock.frozen_at(NINE):
            code = app.start_activity(world.leading, order)
            app.sign_in(world.volunteer(1), order, code)
            app.sign_in(world.volunteer(2), order, code)
        with clock.frozen_at(NINE + timedelta(hours=3)):
            app.sign_out(world.volunteer(1), order, code)
            app.sign_out(world.volunteer(2), order, code)
        before = app.event_count()
        # Volunteer 3 never came; volunteer 2's hours are as recorded; the leader gives none.
        credited = app.close_activity(world.leading, order,
                                      {str(world.members[1]): None,
                                       str(world.members[2]): None}, served=12)
        closed = app.order(order)
        assert closed.status is OrderStatus.COMPLETED
        assert closed.hours == Decimal("6.00") and closed.served == 12
        assert credited == {world.members[1]: 30, world.members[2]: 30}
        for n in (1, 2):
            assert app.volunteer(world.members[n]).service_hours == Decimal("3.00")
            account = app.point_account(world.members[n])
            assert account is not None and account.pending == 30
        assert app.volunteer(world.members[3]).service_hours == 0
        assert app.point_account(world.members[3]) is None
        # The close, the hours and the points are one transaction: one command's events.
        kinds = [type(e).__name__ for _, e in app.decoded_events()][before:]
        assert kinds.count("Closed") == 1 and kinds.count("ServiceRecorded") == 2
        assert kinds.count("Credited") == 2

    def test_a_volunteer_who_came_but_did_not_sign_out_needs_hours_from_the_leader(
            self, world: CycleWorld) -> None:
        order = filled(world, 2)
        world.app.start_activity(world.leading, order)
        message = refused(world.app, InvalidHours, world.app.close_activity, world.leading,
                          order, [str(world.members[1])])
        assert "did not sign out" in message
        world.app.close_activity(world.leading, order, {str(world.members[1]): "2"})
        assert world.app.order(order).attendance == {str(world.members[1]): Decimal(2)}

    def test_closing_needs_it_started_and_someone_who_came(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        assert "not started" in refused(world.app, IllegalTransition, world.app.close_activity,
                                        world.leading, order, {str(world.members[1]): "2"})
        world.app.start_activity(world.leading, order)
        refused(world.app, InvalidInput, world.app.close_activity, world.leading, order, {})
        refused(world.app, NotTheAcceptingVolunteer, world.app.close_activity, world.leading,
                order, {str(world.members[4]): "2"})

    def test_it_is_rated_once(self, world: CycleWorld) -> None:
        order = filled(world, 2)
        world.app.start_activity(world.leading, order)
        world.app.close_activity(DISPATCHER, order, {str(world.members[1]): "1.5"})
        world.app.rate_order(RESIDENT, order, 5, "很好")
        refused(world.app, OrderAlreadyRated, world.app.rate_order, RESIDENT, order, 4)
        assert world.app.views.orders.get(str(order))["status"] == "rated"

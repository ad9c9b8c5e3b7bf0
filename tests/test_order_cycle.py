"""Stories of the 点单 → 派单 → 接单 → 评单 cycle, on every store."""

from __future__ import annotations

import pytest

from civicvol import CivicVol
from civicvol.domain import errors
from tests.conftest import DISPATCHER, NEIGHBOUR, RESIDENT
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


class TestTheCycle:
    def test_an_order_goes_round_the_whole_cycle(self, world: World) -> None:
        app = world.app
        order = world.placed_order()
        assert app.order(order).status.value == "placed"
        app.dispatch_order(DISPATCHER, order, world.team)
        assert app.order(order).team_id == world.team
        app.accept_order(world.barber_actor, order)
        assert app.order(order).volunteer_id == world.barber
        app.complete_order(world.barber_actor, order, "1.5", served=2)
        app.rate_order(RESIDENT, order, 5, "师傅手艺好")
        rated = app.order(order)
        assert (rated.status.value, rated.stars, rated.comment) == ("rated", 5, "师傅手艺好")
        assert str(app.volunteer(world.barber).service_hours) == "1.5"

    def test_completing_credits_ten_points_an_hour_waiting_for_the_audit(
        self, world: World
    ) -> None:
        order = world.completed_order(hours="2.5")
        account = world.app.point_account(world.barber)
        assert account is not None
        assert (account.balance, account.pending) == (0, 25)
        (entry,) = account.entries.values()
        assert str(entry.source) == f"order:{order}"

    def test_every_event_records_who_did_it_and_when(self, world: World) -> None:
        order = world.completed_order()
        events = list(world.app.events.get(order))
        assert [type(e).__name__ for e in events] == [
            "Placed", "Dispatched", "Accepted", "Completed"]
        assert [str(e.by) for e in events] == [
            "resident:r-1001", "dispatcher:centre-1", f"volunteer:{world.barber}",
            f"volunteer:{world.barber}"]
        assert all(e.timestamp.tzinfo is not None for e in events)

    def test_a_team_declines_and_the_centre_dispatches_again(self, world: World) -> None:
        app = world.app
        order = world.dispatched_order()
        app.decline_order(world.as_volunteer(world.helper), order, "今天人手不够")
        assert app.order(order).status.value == "placed"
        app.dispatch_order(DISPATCHER, order, world.other_team)
        app.accept_order(world.as_volunteer(world.outsider), order)
        assert app.order(order).volunteer_id == world.outsider

    def test_the_accepting_volunteer_can_give_an_order_back(self, world: World) -> None:
        order = world.accepted_order()
        world.app.decline_order(world.barber_actor, order, "临时有事")
        declined = world.app.order(order)
        assert (declined.status.value, declined.volunteer_id, declined.declines) == (
            "placed", None, 1)

    def test_the_requester_or_a_dispatcher_cancels_an_open_order(self, world: World) -> None:
        first, second = world.placed_order(), world.accepted_order()
        world.app.cancel_order(RESIDENT, first, "已经自己解决")
        world.app.cancel_order(DISPATCHER, second, "重复下单")
        assert {world.app.order(o).status.value for o in (first, second)} == {"cancelled"}


class TestRefusals:
    """Each refusal raises its own error and stores nothing."""

    def refused(self, world: World, error: type[Exception], call: object, *args: object,
                **kwargs: object) -> str:
        before = world.app.event_count()
        with pytest.raises(error) as caught:
            call(*args, **kwargs)  # type: ignore[operator]
        assert world.app.event_count() == before
        return str(caught.value)

    def test_a_non_member_cannot_accept(self, world: World) -> None:
        order = world.dispatched_order()
        message = self.refused(world, errors.NotAMember, world.app.accept_order,
                               world.as_volunteer(world.outsider), order)
        assert "not a member" in message

    def test_an_order_is_accepted_once(self, world: World) -> None:
        order = world.accepted_order()
        self.refused(world, errors.OrderAlreadyAccepted, world.app.accept_order,
                     world.as_volunteer(world.helper), order)

    def test_an_order_cannot_be_accepted_before_dispatch(self, world: World) -> None:
        order = world.placed_order()
        message = self.refused(world, errors.IllegalTransition, world.app.accept_order,
                               world.barber_actor, order)
        assert "it is placed" in message

    def test_only_the_accepting_volunteer_completes(self, world: World) -> None:
        order = world.accepted_order()
        self.refused(world, errors.NotTheAcceptingVolunteer, world.app.complete_order,
                     world.as_volunteer(world.helper), order, "1")

    @pytest.mark.parametrize("hours", ["0", "-1", "25", "abc", "1.234", "NaN", "Infinity"])
    def test_absurd_hours_are_refused(self, world: World, hours: str) -> None:
        order = world.accepted_order()
        message = self.refused(world, errors.InvalidHours, world.app.complete_order,
                               world.barber_actor, order, hours)
        assert "hours" in message

    @pytest.mark.parametrize("stars", [0, 6, -3])
    def test_a_rating_is_one_to_five_stars(self, world: World, stars: int) -> None:
        order = world.completed_order()
        self.refused(world, errors.InvalidRating, world.app.rate_order, RESIDENT, order, stars)

    def test_only_the_requester_rates(self, world: World) -> None:
        order = world.completed_order()
        self.refused(world, errors.NotTheRequester, world.app.rate_order, NEIGHBOUR, order, 5)

    def test_an_order_is_rated_once(self, world: World) -> None:
        order = world.completed_order()
        world.app.rate_order(RESIDENT, order, 4)
        self.refused(world, errors.OrderAlreadyRated, world.app.rate_order, RESIDENT, order, 5)

    def test_a_completed_order_cannot_be_cancelled(self, world: World) -> None:
        order = world.completed_order()
        message = self.refused(world, errors.IllegalTransition, world.app.cancel_order,
                               DISPATCHER, order, "太晚了")
        assert "completed" in message

    def test_a_volunteer_cannot_dispatch(self, world: World) -> None:
        order = world.placed_order()
        message = self.refused(world, errors.PermissionDenied, world.app.dispatch_order,
                               world.barber_actor, order, world.team)
        assert "dispatcher" in message

    def test_an_unknown_order_is_named(self, world: World) -> None:
        self.refused(world, errors.OrderNotFound, world.app.dispatch_order, DISPATCHER,
                     "3f2b9c1e-0000-4000-8000-000000000000", world.team)

    def test_a_malformed_id_is_refused(self, world: World) -> None:
        self.refused(world, errors.InvalidId, world.app.order, "not-an-id")

    def test_a_suspended_volunteer_cannot_accept(self, world: World) -> None:
        from tests.conftest import ADMIN

        order = world.dispatched_order()
        world.app.suspend_volunteer(ADMIN, world.barber, "投诉核查中")
        self.refused(world, errors.VolunteerNotActive, world.app.accept_order,
                     world.barber_actor, order)

    def test_an_order_cannot_go_to_a_dissolved_team(self, world: World) -> None:
        from tests.conftest import ADMIN

        world.app.dissolve_team(ADMIN, world.other_team, "合并")
        order = world.placed_order()
        self.refused(world, errors.TeamDissolved, world.app.dispatch_order, DISPATCHER, order,
                     world.other_team)


class TestTheReport:
    def test_orders_are_counted_by_service_and_year_from_the_events(self, world: World) -> None:
        from civicvol.app.views import district_report

        world.completed_order()
        world.app.place_order(RESIDENT, "助老陪伴")
        orders = district_report(world.app)["orders"]
        assert orders["by_service"] == {"理发": 1, "助老陪伴": 1}
        assert sum(orders["by_year"].values()) == orders["placed"] == 2
        assert (orders["completed"], orders["open"]) == (1, 1)

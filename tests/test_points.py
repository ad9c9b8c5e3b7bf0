"""Stories of 志愿积分: credited for service, audited, redeemed at a station, reversed."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest

from civicvol import CivicVol, PointsScheme, Source
from civicvol.app.views import district_report, points_view
from civicvol.domain import errors
from civicvol.domain.point_account import PointAccount
from civicvol.domain.values import EntryStatus
from tests.conftest import ADMIN, POINTS_AUDITOR, STATION_KEEPER
from tests.refusal import refused
from tests.world import World, build_world

CLUE = Source("award", "flying-wire-17")
GIFT, STATION = "洗衣液", "蜂享驿站"


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


def account(world: World, volunteer: UUID | None = None) -> PointAccount:
    found = world.app.point_account(volunteer or world.barber)
    assert found is not None
    return found


def statuses(world: World) -> dict[str, str]:
    return {e.entry_id: e.status.value for e in account(world).entries.values()}


def earn(world: World, hours: str = "2", approve: bool = True) -> str:
    """The barber serves an order and (by default) the audit approves its points."""
    order = world.completed_order(hours)
    entry = account(world).credited_sources[f"order:{order}"]
    if approve:
        world.app.approve_points(POINTS_AUDITOR, world.barber, entry)
    return entry


class TestCrediting:
    def test_a_source_is_credited_once(self, world: World) -> None:
        app = world.app
        assert app.credit_points(ADMIN, world.barber, 5, CLUE) is True
        before = app.event_count()
        assert app.credit_points(ADMIN, world.barber, 5, CLUE) is False
        assert app.event_count() == before
        assert (account(world).pending, len(account(world).entries)) == (5, 1)

    def test_an_order_pays_once_even_if_asked_twice(self, world: World) -> None:
        order = world.completed_order("2")
        # Orders earn points only when completed: nobody credits an order's source by hand.
        refused(world.app, errors.PermissionDenied, world.app.credit_points, ADMIN,
                world.barber, 20, Source("order", str(order)))
        assert account(world).pending == 20

    @pytest.mark.parametrize("points", [0, -5, 100_001])
    def test_implausible_points_are_refused(self, world: World, points: int) -> None:
        refused(world.app, errors.InvalidPoints, world.app.credit_points, ADMIN,
                world.barber, points, CLUE)

    def test_a_volunteer_who_left_earns_nothing(self, world: World) -> None:
        world.app.volunteer_leaves(ADMIN, world.barber, "搬家")
        refused(world.app, errors.VolunteerHasLeft, world.app.credit_points, ADMIN,
                world.barber, 5, CLUE)

    def test_every_entry_traces_to_what_earned_or_spent_it(self, world: World) -> None:
        app = world.app
        first, second = world.completed_order("1"), world.completed_order("3")
        app.credit_points(ADMIN, world.barber, 5, CLUE)
        app.approve_points(POINTS_AUDITOR, world.barber)
        spent = app.redeem_points(STATION_KEEPER, world.barber, 12, GIFT, STATION)
        sources = {e.entry_id: str(e.source) for e in account(world).entries.values()}
        assert sources == {"E1": f"order:{first}", "E2": f"order:{second}",
                           "E3": str(CLUE), spent: f"redemption:{spent}"}
        for order in (first, second):
            served = app.order(order)
            assert (served.status.value, served.volunteer_id) == ("completed", world.barber)
        credits = [e for e in app.events.get(account(world).id)
                   if type(e).__name__ == "Credited"]
        assert [str(e.source) for e in credits] == [sources["E1"], sources["E2"], str(CLUE)]
        assert [str(e.by) for e in credits[:2]] == [f"volunteer:{world.barber}"] * 2


class TestTheAudit:
    def test_the_auditor_approves_one_credit(self, world: World) -> None:
        world.completed_order("1")
        world.completed_order("2")
        assert world.app.approve_points(POINTS_AUDITOR, world.barber, "E2") == ["E2"]
        assert statuses(world) == {"E1": "pending", "E2": "approved"}
        assert (account(world).balance, account(world).pending) == (20, 10)

    def test_the_auditor_approves_every_pending_credit(self, world: World) -> None:
        world.completed_order("1")
        world.completed_order("2")
        world.app.credit_points(ADMIN, world.barber, 5, CLUE)
        world.app.reject_points(POINTS_AUDITOR, world.barber, "E3", "线索无效")
        assert world.app.approve_points(POINTS_AUDITOR, world.barber) == ["E1", "E2"]
        assert statuses(world) == {"E1": "approved", "E2": "approved", "E3": "rejected"}
        assert (account(world).balance, account(world).pending) == (30, 0)

    def test_approving_all_with_nothing_pending_stores_nothing(self, world: World) -> None:
        earn(world)
        before = world.app.event_count()
        assert world.app.approve_points(POINTS_AUDITOR, world.barber) == []
        assert world.app.event_count() == before

    def test_an_approved_credit_is_not_approved_again(self, world: World) -> None:
        entry = earn(world)
        message = refused(world.app, errors.EntryNotPending, world.app.approve_points,
                          POINTS_AUDITOR, world.barber, entry)
        assert "only a pending credit" in message

    def test_a_rejected_credit_never_counts(self, world: World) -> None:
        world.app.credit_points(ADMIN, world.barber, 5, CLUE)
        world.app.reject_points(POINTS_AUDITOR, world.barber, "E1", "重复举报")
        rejected = account(world).entries["E1"]
        assert (rejected.status, rejected.reason) == (EntryStatus.REJECTED, "重复举报")
        refused(world.app, errors.EntryNotPending, world.app.approve_points, POINTS_AUDITOR,
                world.barber, "E1")
        assert account(world).balance == 0

    def test_a_rejection_needs_a_reason(self, world: World) -> None:
        world.app.credit_points(ADMIN, world.barber, 5, CLUE)
        message = refused(world.app, errors.InvalidInput, world.app.reject_points,
                          POINTS_AUDITOR, world.barber, "E1", "")
        assert "reason" in message

    def test_an_unknown_entry_is_named_with_the_known_ones(self, world: World) -> None:
        earn(world, approve=False)
        message = refused(world.app, errors.EntryNotFound, world.app.approve_points,
                          POINTS_AUDITOR, world.barber, "E9")
        assert "'E9'" in message and "E1" in message

    def test_a_volunteer_without_points_has_nothing_to_approve(self, world: World) -> None:
        message = refused(world.app, errors.EntryNotFound, world.app.approve_points,
                          POINTS_AUDITOR, world.helper)
        assert "no points yet" in message

    def test_only_a_points_auditor_approves_or_rejects(self, world: World) -> None:
        earn(world, approve=False)
        for actor in (ADMIN, world.barber_actor, STATION_KEEPER):
            message = refused(world.app, errors.PermissionDenied, world.app.approve_points,
                              actor, world.barber)
            assert "points-auditor" in message
            refused(world.app, errors.PermissionDenied, world.app.reject_points, actor,
                    world.barber, "E1", "no")


class TestRedemption:
    def test_points_are_redeemed_for_a_named_gift_at_a_named_station(
        self, world: World
    ) -> None:
        earn(world, "3")
        entry = world.app.redeem_points(STATION_KEEPER, world.barber, 25, GIFT, STATION)
        view = points_view(world.barber, account(world))
        assert (view["balance"], view["redeemed"]) == (5, 25)
        spent = view["entries"][-1]
        assert (spent["entry"], spent["kind"], spent["points"], spent["gift"],
                spent["station"]) == (entry, "redemption", 25, GIFT, STATION)

    def test_an_overdrawn_redemption_is_refused(self, world: World) -> None:
        earn(world, "2")
        world.completed_order("5")  # 50 more points, still waiting for the audit
        message = refused(world.app, errors.InsufficientPoints, world.app.redeem_points,
                          STATION_KEEPER, world.barber, 21, GIFT, STATION)
        assert "20 approved points" in message and "50 still wait" in message
        assert "redeem at most 20" in message
        world.app.redeem_points(STATION_KEEPER, world.barber, 20, GIFT, STATION)
        assert account(world).balance == 0

    def test_a_volunteer_without_an_account_redeems_nothing(self, world: World) -> None:
        refused(world.app, errors.EntryNotFound, world.app.redeem_points, STATION_KEEPER,
                world.helper, 1, GIFT, STATION)

    @pytest.mark.parametrize(("points", "gift", "station", "error"), [
        (0, GIFT, STATION, errors.InvalidPoints),
        (-3, GIFT, STATION, errors.InvalidPoints),
        (5, "", STATION, errors.InvalidName),
        (5, GIFT, " ", errors.InvalidName),
    ])
    def test_a_redemption_names_positive_points_a_gift_and_a_station(
        self, world: World, points: int, gift: str, station: str, error: type[Exception]
    ) -> None:
        earn(world)
        refused(world.app, error, world.app.redeem_points, STATION_KEEPER, world.barber,
                points, gift, station)

    def test_only_a_station_keeper_redeems(self, world: World) -> None:
        earn(world)
        message = refused(world.app, errors.PermissionDenied, world.app.redeem_points,
                          world.barber_actor, world.barber, 5, GIFT, STATION)
        assert "station-keeper" in message


class TestReversal:
    def test_a_pending_credit_is_reversed_without_touching_the_balance(
        self, world: World
    ) -> None:
        earn(world, "1")
        entry = earn(world, "2", approve=False)
        world.app.reverse_points(POINTS_AUDITOR, world.barber, entry, "订单有争议")
        reversed_ = account(world).entries[entry]
        assert (reversed_.status, reversed_.reason) == (EntryStatus.REVERSED, "订单有争议")
        assert (account(world).balance, account(world).pending) == (10, 0)

    def test_an_approved_credit_is_reversed_and_the_balance_drops(self, world: World) -> None:
        entry = earn(world, "2")
        earn(world, "1")
        world.app.reverse_points(POINTS_AUDITOR, world.barber, entry, "线索后来查明不实")
        assert account(world).balance == 10

    def test_a_reversal_that_would_make_the_balance_negative_is_refused(
        self, world: World
    ) -> None:
        entry = earn(world, "2")
        world.app.redeem_points(STATION_KEEPER, world.barber, 15, GIFT, STATION)
        message = refused(world.app, errors.InsufficientPoints, world.app.reverse_points,
                          POINTS_AUDITOR, world.barber, entry, "争议")
        assert "cannot reverse 20 points" in message and "were spent" in message
        assert account(world).balance == 5

    def test_a_redemption_or_a_reversed_credit_cannot_be_reversed(self, world: World) -> None:
        entry = earn(world, "2")
        earn(world, "1")
        spent = world.app.redeem_points(STATION_KEEPER, world.barber, 5, GIFT, STATION)
        message = refused(world.app, errors.EntryNotPending, world.app.reverse_points,
                          POINTS_AUDITOR, world.barber, spent, "退货")
        assert "redemption" in message
        world.app.reverse_points(POINTS_AUDITOR, world.barber, entry, "争议")
        assert account(world).balance == 5
        refused(world.app, errors.EntryNotPending, world.app.reverse_points, POINTS_AUDITOR,
                world.barber, entry, "again")

    def test_a_reversal_needs_a_reason_and_a_points_auditor(self, world: World) -> None:
        entry = earn(world)
        refused(world.app, errors.InvalidInput, world.app.reverse_points, POINTS_AUDITOR,
                world.barber, entry, " ")
        refused(world.app, errors.PermissionDenied, world.app.reverse_points, STATION_KEEPER,
                world.barber, entry, "争议")

    def test_the_report_adds_up_the_points(self, world: World) -> None:
        reversed_entry = earn(world, "2")
        earn(world, "3")
        earn(world, "1", approve=False)
        world.app.credit_points(ADMIN, world.barber, 5, CLUE)
        world.app.reject_points(POINTS_AUDITOR, world.barber, "E4", "无效")
        world.app.reverse_points(POINTS_AUDITOR, world.barber, reversed_entry, "争议")
        world.app.redeem_points(STATION_KEEPER, world.barber, 12, GIFT, STATION)
        figures = district_report(world.app)["points"]
        assert figures == {"credited": 65, "approved": 30, "pending": 10, "rejected": 5,
                           "reversed": 20, "redeemed": 12, "redemptions": 1, "expired": 0,
                           "outstanding": 18}
        assert account(world).balance == figures["outstanding"]


class TestTheScheme:
    @pytest.fixture
    def scheme_app(self, store_url: str, request: pytest.FixtureRequest) -> Iterator[World]:
        scheme: PointsScheme = request.param
        app = CivicVol(store_url, points_scheme=scheme)
        yield build_world(app)
        app.close()

    @pytest.mark.parametrize("scheme_app", [PointsScheme(auto_approve=True)], indirect=True)
    def test_an_auto_approving_scheme_skips_the_audit(self, scheme_app: World) -> None:
        world = scheme_app
        world.completed_order("2")
        world.app.credit_points(ADMIN, world.barber, 5, CLUE)
        assert statuses(world) == {"E1": "approved", "E2": "approved"}
        assert (account(world).balance, account(world).pending) == (25, 0)
        world.app.redeem_points(STATION_KEEPER, world.barber, 25, GIFT, STATION)

    @pytest.mark.parametrize("scheme_app", [PointsScheme(points_per_hour=15)], indirect=True)
    def test_points_per_hour_are_set_by_the_scheme(self, scheme_app: World) -> None:
        scheme_app.completed_order("1.5")  # 22.5 points, rounded half up
        scheme_app.completed_order("0.1")  # 1.5 points
        assert [e.points for e in account(scheme_app).entries.values()] == [23, 2]

    @pytest.mark.parametrize("scheme_app", [PointsScheme(points_per_hour=0)], indirect=True)
    def test_a_scheme_without_service_points_credits_nothing(self, scheme_app: World) -> None:
        scheme_app.completed_order("3")
        assert scheme_app.app.point_account(scheme_app.barber) is None
        assert scheme_app.app.volunteer(scheme_app.barber).service_hours == 3

    @pytest.mark.parametrize("per_hour", [-1, 1.5])
    def test_a_scheme_pays_whole_points_per_hour(self, per_hour: object) -> None:
        with pytest.raises(errors.InvalidPoints, match="points per hour"):
            PointsScheme(points_per_hour=per_hour)  # type: ignore[arg-type]

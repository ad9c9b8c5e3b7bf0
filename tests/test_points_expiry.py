"""Stories of expiring points: a district's validity (黄石 one year, 黄山 three), lots spent
oldest first, expiry as events that never touch service hours, and the records that follow."""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import pytest

from civicvol import CivicVol
from civicvol.app.views import district_report, points_view
from civicvol.audit.replay import replay
from civicvol.audit.trace import trace_points
from civicvol.domain import clock, errors
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.point_account import PointAccount
from tests.conftest import ADMIN, POINTS_AUDITOR, STATION_KEEPER
from tests.refusal import refused
from tests.world import World, build_world

STATION = "蜂享驿站"


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=DISTRICT_TIME)


@pytest.fixture
def world(app: CivicVol) -> World:
    with clock.frozen_at(at("2024-01-02")):
        return build_world(app)


def account(world: World) -> PointAccount:
    found = world.app.point_account(world.barber)
    assert found is not None
    return found


def earn_on(world: World, day: str, hours: str = "1") -> str:
    """The barber serves ``hours`` on ``day`` (10 points an hour) and the audit approves."""
    with clock.frozen_at(at(day)):
        order = world.completed_order(hours)
        entry = account(world).credited_sources[f"order:{order}"]
        world.app.approve_points(POINTS_AUDITOR, world.barber, entry)
    return entry


def expire_on(world: World, day: str, as_of: date | None = None) -> dict[UUID, list[str]]:
    with clock.frozen_at(at(day)):
        return world.app.expire_points(ADMIN, as_of)


def set_validity(world: World, day: str, validity: str) -> None:
    with clock.frozen_at(at(day, 9)):
        world.app.set_points_validity(ADMIN, validity)


class TestWithoutASetting:
    def test_points_never_expire_and_the_history_reads_as_before(self, world: World) -> None:
        earn_on(world, "2024-01-05")
        assert expire_on(world, "2030-01-01") == {}
        assert account(world).balance == 10
        assert points_view(world.barber, account(world), world.app.validity_for())["lots"] == [
            {"entry": "E1", "points": 10, "expires_on": None}]


class TestAYearAsInHuangshi:
    def test_points_expire_a_year_after_they_were_earned(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        entry = earn_on(world, "2024-03-01")
        assert expire_on(world, "2025-02-28") == {}
        made = expire_on(world, "2025-03-01")
        assert list(made) == [world.barber]
        expiry = account(world).entries[made[world.barber][0]]
        assert (expiry.kind, expiry.points, str(expiry.source)) == ("expiry", 10,
                                                                    f"expiry:{entry}")
        assert account(world).balance == 0

    def test_expiry_never_touches_service_hours(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        earn_on(world, "2024-03-01", "2")
        hours = world.app.volunteer(world.barber).service_hours
        expire_on(world, "2025-06-01")
        assert world.app.volunteer(world.barber).service_hours == hours == 2

    def test_running_the_expiry_again_expires_nothing_more(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        earn_on(world, "2024-03-01")
        expire_on(world, "2025-03-01")
        before = world.app.event_count()
        assert expire_on(world, "2025-04-01") == {}
        assert world.app.event_count() == before

    def test_the_district_expires_as_of_a_past_day(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        earn_on(world, "2024-03-01")
        earn_on(world, "2024-09-01")
        made = expire_on(world, "2026-01-01", as_of=date(2025, 3, 1))
        assert len(made[world.barber]) == 1
        assert account(world).balance == 10

    def test_the_oldest_points_are_spent_first(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        first = earn_on(world, "2024-03-01", "2")
        second = earn_on(world, "2024-09-01", "2")
        with clock.frozen_at(at("2024-10-01")):
            redemption = world.app.redeem_points(STATION_KEEPER, world.barber, 15, "纪念章",
                                                 "表彰大会")
        assert account(world).spent_from[redemption] == {first: 15}
        made = expire_on(world, "2025-03-01")
        expiry = account(world).entries[made[world.barber][0]]
        assert (expiry.points, str(expiry.source)) == (5, f"expiry:{first}")
        assert account(world).lots == {first: 0, second: 20}

    def test_no_point_is_spent_after_it_expired_even_before_the_run(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        earn_on(world, "2024-03-01")
        with clock.frozen_at(at("2025-03-02")):
            message = refused(world.app, errors.InsufficientPoints, world.app.redeem_points,
                              STATION_KEEPER, world.barber, 10, "纪念章", "表彰大会")
        assert "redeem at most 0" in message

    def test_an_expired_credit_is_not_reversed(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        entry = earn_on(world, "2024-03-01")
        expire_on(world, "2025-03-01")
        refused(world.app, errors.EntryNotPending, world.app.reverse_points, POINTS_AUDITOR,
                world.barber, entry, "订单有争议")


class TestChangingTheSetting:
    def test_a_change_never_shortens_points_earned_before(self, world: World) -> None:
        old = earn_on(world, "2024-01-05")
        set_validity(world, "2024-02-01", "1y")
        new = earn_on(world, "2024-03-01")
        made = expire_on(world, "2025-06-01")
        assert [str(account(world).entries[e].source) for e in made[world.barber]] == [
            f"expiry:{new}"]
        assert account(world).lots[old] == 10

    def test_three_years_as_in_huangshan_and_the_history_says_when(self, world: World) -> None:
        set_validity(world, "2024-01-03", "1y")
        set_validity(world, "2024-02-01", "3y")
        earn_on(world, "2024-03-01")
        assert expire_on(world, "2027-02-28") == {}
        assert len(expire_on(world, "2027-03-01")[world.barber]) == 1
        setting = world.app.points_validity_setting()
        assert setting is not None
        assert [v for _, v in setting.changes] == ["1y", "3y"]

    def test_points_valid_to_the_end_of_the_year(self, world: World) -> None:
        set_validity(world, "2024-01-03", "year-end")
        earn_on(world, "2024-12-30")
        assert expire_on(world, "2024-12-31") == {}
        assert len(expire_on(world, "2025-01-01")[world.barber]) == 1

    @pytest.mark.parametrize("validity", ["forever", "0y", "11y", "", "1 year"])
    def test_a_validity_the_district_cannot_mean_is_refused(self, world: World,
                                                            validity: str) -> None:
        message = refused(world.app, errors.InvalidInput, world.app.set_points_validity,
                          ADMIN, validity)
        assert "'1y'" in message

    def test_only_an_administrator_sets_the_validity_or_runs_the_expiry(
            self, world: World) -> None:
        refused(world.app, errors.PermissionDenied, world.app.set_points_validity,
                POINTS_AUDITOR, "1y")
        refused(world.app, errors.PermissionDenied, world.app.expire_points, STATION_KEEPER)

    def test_the_expiry_is_run_as_of_a_day_not_a_moment(self, world: World) -> None:
        message = refused(world.app, errors.InvalidInput, world.app.expire_points, ADMIN,
                          at("2024-05-01"))
        assert "date(2024, 5, 1)" in message

    def test_the_expiry_is_not_run_for_a_day_to_come(self, world: World) -> None:
        with clock.frozen_at(at("2024-05-01")):
            message = refused(world.app, errors.InvalidInput, world.app.expire_points, ADMIN,
                              date(2024, 6, 1))
        assert "2024-05-01" in message


class TestTheRecordsFollow:
    @pytest.fixture
    def expired(self, world: World) -> World:
        set_validity(world, "2024-01-03", "1y")
        self.first = earn_on(world, "2024-03-01", "2")
        earn_on(world, "2024-09-01", "1")
        with clock.frozen_at(at("2024-10-01")):
            world.app.redeem_points(STATION_KEEPER, world.barber, 5, "纪念章", "表彰大会")
        expire_on(world, "2025-03-01")
        return world

    def test_points_show_says_what_expired_and_what_expires_when(self, expired: World) -> None:
        data = points_view(expired.barber, account(expired), expired.app.validity_for())
        assert (data["balance"], data["expired"], data["redeemed"]) == (10, 15, 5)
        assert data["lots"] == [{"entry": "E2", "points": 10, "expires_on": "2025-09-01"}]

    def test_the_report_and_the_view_count_the_expired_points(self, expired: World) -> None:
        points = district_report(expired.app)["points"]
        assert (points["expired"], points["outstanding"]) == (15, 10)
        assert expired.app.views.points.account(str(expired.barber))["balance"] == 10

    def test_trace_points_shows_the_lot_a_redemption_used_and_what_expired_when(
            self, expired: World) -> None:
        trace = trace_points(expired.app, expired.barber)
        by_action = {a["action"]: a for a in trace["actions"]}
        assert by_action["redeemed"]["lots"] == {self.first: 5}
        assert by_action["expired"]["lot"] == self.first
        assert by_action["expired"]["expired_on"] == "2025-03-01"
        assert trace["balance"] == 10

    def test_the_audit_replay_agrees(self, expired: World) -> None:
        result = replay(expired.app)
        assert result.discrepancies == []
        assert result.replayed["points"]["expired"] == 15

"""The district "as of" a past day: every figure at the end of that day in Asia/Shanghai,
replayed from the events stamped before it, even when history was imported out of order."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from click.testing import CliRunner

from civicvol import CivicVol
from civicvol.audit.asof import (
    district_report_as_of,
    end_of_day,
    parse_day,
    points_as_of,
    volunteer_as_of,
)
from civicvol.cli import cli
from civicvol.domain.errors import DatedBeforeItsRecord, InvalidInput
from tests.conftest import ADMIN, POINTS_AUDITOR, STATION_KEEPER
from tests.stores import shared_store, store_for_cli
from tests.world import World, build_world


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def order_completed_at(world: World, when: str, hours: str = "2") -> None:
    with world.app.events_dated(at(when)):
        world.completed_order(hours)


@pytest.fixture
def world(app: CivicVol) -> World:
    with app.events_dated(at("2023-01-01T00:00")):
        return build_world(app)


class TestReportAsOf:
    def test_a_day_sees_only_what_had_happened_by_its_end(self, world: World) -> None:
        order_completed_at(world, "2023-06-01T02:00")
        order_completed_at(world, "2024-02-01T02:00", "3")
        report = district_report_as_of(world.app, date(2023, 12, 31))
        assert report["orders"]["placed"] == 1
        assert report["orders"]["by_year"] == {2023: 1}
        assert report["service"]["hours"] == "2"
        assert report["points"]["credited"] == 20
        later = district_report_as_of(world.app, date(2024, 12, 31))
        assert later["orders"]["placed"] == 2 and later["service"]["hours"] == "5"

    def test_the_day_ends_at_midnight_in_shanghai_not_utc(self, world: World) -> None:
        # 16:30 UTC on 31 December is half past midnight on 1 January in Kunming.
        order_completed_at(world, "2023-12-31T16:30")
        assert district_report_as_of(world.app, date(2023, 12, 31))["orders"]["placed"] == 0
        assert district_report_as_of(world.app, date(2024, 1, 1))["orders"]["placed"] == 1
        assert end_of_day(date(2023, 12, 31)) == at("2023-12-31T16:00")

    def test_orders_count_in_the_districts_year_as_as_of_does(self, world: World) -> None:
        order_completed_at(world, "2023-12-31T17:00")  # 01:00 on 1 January in Kunming
        now = district_report_as_of(world.app, date(2030, 1, 1))
        assert now["orders"]["by_year"] == {2024: 1}
        assert district_report_as_of(world.app, date(2023, 12, 31))["orders"]["placed"] == 0

    def test_history_imported_after_later_events_still_counts_by_its_own_date(
            self, world: World) -> None:
        order_completed_at(world, "2024-03-01T02:00")
        order_completed_at(world, "2023-05-01T02:00")  # stored later, happened earlier
        report = district_report_as_of(world.app, date(2023, 12, 31))
        assert report["orders"]["placed"] == 1
        assert report["service"]["hours"] == "2"

    def test_before_anything_happened_the_district_is_empty(self, world: World) -> None:
        report = district_report_as_of(world.app, date(2022, 12, 31))
        assert report["events"] == 0
        assert report["volunteers"]["registered"] == 0

    @shared_store
    def test_the_cli_report_as_of_a_date(self, world: World) -> None:
        order_completed_at(world, "2023-06-01T02:00")
        order_completed_at(world, "2024-02-01T02:00")
        outcome = CliRunner().invoke(cli, ["--store", store_for_cli(world.app), "report",
                                           "--as-of", "2023-12-31", "--json"])
        assert outcome.exit_code == 0, outcome.output
        data = json.loads(outcome.output)
        assert data["as_of"] == "2023-12-31"
        assert data["orders"]["by_year"] == {"2023": 1}

    def test_a_date_that_is_not_a_date_is_refused(self) -> None:
        with pytest.raises(InvalidInput, match="YYYY-MM-DD"):
            parse_day("31/12/2023")


class TestPointsAsOf:
    def test_the_balance_as_it_stood_before_the_audit_and_the_redemption(
            self, world: World) -> None:
        app = world.app
        order_completed_at(world, "2023-06-01T02:00")
        with app.events_dated(at("2023-07-01T02:00")):
            app.approve_points(POINTS_AUDITOR, world.barber)
        with app.events_dated(at("2023-08-01T02:00")):
            app.redeem_points(STATION_KEEPER, world.barber, 15, "毛巾", "东庄社区站")
        june = points_as_of(app, world.barber, date(2023, 6, 30))
        assert (june["balance"], june["pending"]) == (0, 20)
        july = points_as_of(app, world.barber, date(2023, 7, 31))
        assert (july["balance"], july["pending"]) == (20, 0)
        august = points_as_of(app, world.barber, date(2023, 8, 31))
        assert (august["balance"], august["redeemed"]) == (5, 15)
        assert points_as_of(app, world.barber, date(2023, 1, 31))["entries"] == []

    @shared_store
    def test_the_cli_points_show_as_of(self, world: World) -> None:
        order_completed_at(world, "2023-06-01T02:00")
        outcome = CliRunner().invoke(cli, ["--store", store_for_cli(world.app), "points", "show",
                                           str(world.barber), "--as-of", "2023-05-31",
                                           "--json"])
        assert outcome.exit_code == 0, outcome.output
        assert json.loads(outcome.output)["pending"] == 0


class TestTheDemoAsOf:
    def test_the_end_of_2023_shows_only_2023s_orders(self, memory_app: CivicVol) -> None:
        from civicvol.demo import build_panlong

        build_panlong(memory_app, scale=0.003)
        now = district_report_as_of(memory_app, date(2030, 1, 1))
        then = district_report_as_of(memory_app, date(2023, 12, 31))
        assert set(now["orders"]["by_year"]) == {2023, 2024}
        assert set(then["orders"]["by_year"]) == {2023}
        assert then["orders"]["placed"] == now["orders"]["by_year"][2023]
        assert then["volunteers"]["registered"] == now["volunteers"]["registered"]

    def test_the_plug_ins_sections_are_as_of_the_day_too(self) -> None:
        from civicvol.bootstrap import open_district
        from civicvol.demo import build_panlong

        app = open_district("memory://")
        build_panlong(app, scale=0.003)
        names = [s.name for s in app.extensions.report_sections(app)]
        then = district_report_as_of(app, date(2023, 12, 31))
        now = district_report_as_of(app, date(2030, 1, 1))
        assert names and all(name in then for name in names)
        assert any(then[name] != now[name] for name in names)


class TestOneDefinition:
    def test_history_imported_out_of_order_counts_the_same_in_report_and_account(
            self, world: World) -> None:
        # The barber's account is credited for March 2024 first, then for May 2023 (a later
        # import of older history): as of 2023 both the report and the account count May.
        order_completed_at(world, "2024-03-01T02:00", "3")
        order_completed_at(world, "2023-05-01T02:00", "2")
        report = district_report_as_of(world.app, date(2023, 12, 31))
        account = points_as_of(world.app, world.barber, date(2023, 12, 31))
        assert report["points"]["credited"] == 20
        assert [e["points"] for e in account["entries"]] == [20]
        assert account["pending"] == report["points"]["pending"] == 20
        volunteer = volunteer_as_of(world.app, world.barber, date(2023, 12, 31))
        assert volunteer["service_hours"] == report["service"]["hours"] == "2"

    def test_the_demo_report_and_every_account_agree_as_of_a_day(self) -> None:
        from civicvol.bootstrap import open_district
        from civicvol.demo import build_panlong

        app = open_district("memory://")
        try:
            build_panlong(app, scale=0.003)
            day = date(2023, 6, 30)
            report = district_report_as_of(app, day)
            accounts = [points_as_of(app, v["id"], day)
                        for v in app.views.volunteers.search(limit=100_000)]
            pending = sum(a["pending"] for a in accounts)
            credited = sum(e["points"] for a in accounts for e in a["entries"]
                           if e["kind"] != "redeemed")
            assert report["points"]["pending"] == pending
            assert report["points"]["credited"] == credited
        finally:
            app.close()

    def test_an_event_made_now_is_never_dated_before_its_records_last(
            self, world: World) -> None:
        app = world.app
        with app.events_dated(datetime.now(UTC) + timedelta(days=2)):  # a clock that ran fast
            app.update_contact(ADMIN, world.barber, "李师傅", "13800138001")
        before = app.event_count()
        with pytest.raises(DatedBeforeItsRecord, match="check the clock"):
            app.suspend_volunteer(ADMIN, world.barber, "休假")
        assert app.event_count() == before
        assert app.volunteer(world.barber).status.value == "active"


class TestRecordsAsOf:
    @shared_store
    def test_show_as_of_a_day_for_a_volunteer_a_team_and_an_order(self, world: World) -> None:
        app = world.app
        with app.events_dated(at("2023-06-01T02:00")):
            order = world.completed_order("2")
        with app.events_dated(at("2023-09-01T02:00")):
            app.leave_team(ADMIN, world.team, world.barber, "搬家")
        store = store_for_cli(app)

        def show(*args: str) -> dict[str, object]:
            outcome = CliRunner().invoke(cli, ["--store", store, *args, "--json"])
            assert outcome.exit_code == 0, outcome.output
            found: dict[str, object] = json.loads(outcome.output)
            return found

        june = show("volunteer", "show", str(world.barber), "--as-of", "2023-06-30")
        assert june["teams"] == [str(world.team)] and june["service_hours"] == "2"
        assert june["points_pending"] == 20 and june["as_of"] == "2023-06-30"
        assert show("volunteer", "show", str(world.barber), "--as-of", "2023-09-30"
                    )["teams"] == []
        members_then = show("team", "show", str(world.team), "--as-of", "2023-06-30")
        members_now = show("team", "show", str(world.team))
        assert members_then["members"] == members_now["members"] + 1  # type: ignore[operator]
        assert show("order", "show", str(order), "--as-of", "2023-06-30")["status"] == (
            "completed")
        before = CliRunner().invoke(cli, ["--store", store, "order", "show", str(order),
                                          "--as-of", "2022-12-31"])
        assert before.exit_code != 0 and "did not exist yet" in before.output

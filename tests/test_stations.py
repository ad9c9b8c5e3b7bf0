"""Stories of the gift counter: a station's catalogue and stock, the volunteer's one-time
code, the keeper's redemption, and every refusal on the way."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import timedelta
from pathlib import Path
from uuid import UUID

import pytest

from civicvol import CivicVol, Source
from civicvol.domain import clock, errors
from civicvol.domain.point_account import PointAccount
from civicvol.domain.redemption_code import CODE_LIFETIME
from tests import test_cli as cli
from tests.conftest import ADMIN, POINTS_AUDITOR, STATION_KEEPER
from tests.refusal import refused
from tests.world import World, build_world

STATION, OTHER = "蜂享驿站", "东庄社区新时代文明实践站"


@pytest.fixture
def world(app: CivicVol) -> World:
    world = build_world(app)
    app = world.app
    app.open_station(ADMIN, STATION, "金实社区")
    app.add_gift(ADMIN, STATION, "洗衣液", 20, 1)
    app.add_gift(STATION_KEEPER, STATION, "毛巾", 10, 5)
    app.open_station(ADMIN, OTHER, "东庄社区")
    app.add_gift(ADMIN, OTHER, "毛巾", 10, 3)
    # The barber serves two hours (20 points) and the audit approves them.
    order = world.completed_order("2")
    entry = account(world).credited_sources[f"order:{order}"]
    app.approve_points(POINTS_AUDITOR, world.barber, entry)
    return world


def account(world: World, volunteer: UUID | None = None) -> PointAccount:
    found = world.app.point_account(volunteer or world.barber)
    assert found is not None
    return found


def stock(world: World, gift: str, station: str = STATION) -> int:
    return {g.name: g.stock for g in world.app.catalogue(station)}[gift]


class TestTheCatalogue:
    def test_a_station_lists_its_gifts_with_price_and_stock(self, world: World) -> None:
        gifts = [(g.name, g.price, g.stock) for g in world.app.catalogue(STATION)]
        assert gifts == [("洗衣液", 20, 1), ("毛巾", 10, 5)]

    def test_a_keeper_restocks_a_gift(self, world: World) -> None:
        assert world.app.restock_gift(STATION_KEEPER, STATION, "洗衣液", 4) == 5
        assert stock(world, "洗衣液") == 5

    def test_a_station_is_opened_once(self, world: World) -> None:
        message = refused(world.app, errors.StationExists, world.app.open_station, ADMIN,
                          STATION, "金实社区")
        assert "open already" in message

    def test_a_gift_is_added_once_then_restocked(self, world: World) -> None:
        message = refused(world.app, errors.GiftExists, world.app.add_gift, ADMIN, STATION,
                          "毛巾", 10, 1)
        assert "restock" in message

    @pytest.mark.parametrize(("price", "count", "error"), [
        (0, 1, errors.InvalidPoints), (10, -1, errors.InvalidInput),
        (10, 10**9, errors.InvalidInput)])
    def test_a_gift_needs_a_price_and_a_stock_that_make_sense(
            self, world: World, price: int, count: int, error: type[Exception]) -> None:
        refused(world.app, error, world.app.add_gift, ADMIN, STATION, "雨伞", price, count)

    def test_restocking_needs_a_known_gift_and_a_positive_quantity(self, world: World) -> None:
        refused(world.app, errors.GiftNotFound, world.app.restock_gift, STATION_KEEPER,
                STATION, "雨伞", 1)
        refused(world.app, errors.InvalidInput, world.app.restock_gift, STATION_KEEPER,
                STATION, "毛巾", 0)

    def test_an_unknown_station_is_named(self, world: World) -> None:
        message = refused(world.app, errors.StationNotFound, world.app.add_gift, ADMIN,
                          "无名驿站", "毛巾", 10, 1)
        assert "an administrator opens it first" in message

    def test_only_an_administrator_opens_a_station(self, world: World) -> None:
        refused(world.app, errors.PermissionDenied, world.app.open_station, STATION_KEEPER,
                "新驿站", "金实社区")
        refused(world.app, errors.PermissionDenied, world.app.add_gift,
                world.barber_actor, STATION, "雨伞", 5, 1)


class TestRedeemingWithACode:
    def test_the_volunteer_takes_a_code_and_the_keeper_redeems_it(self, world: World) -> None:
        app = world.app
        hours = app.volunteer(world.barber).service_hours
        code, expires_at = app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        assert expires_at - clock.now() <= CODE_LIFETIME
        assert account(world).balance == 20  # a code spends nothing yet
        entry = app.redeem_code(STATION_KEEPER, STATION, code)
        spent = account(world).entries[entry]
        assert (spent.kind, spent.points, spent.gift, spent.station) == (
            "redemption", 10, "毛巾", STATION)
        assert account(world).balance == 10
        assert stock(world, "毛巾") == 4
        assert app.volunteer(world.barber).service_hours == hours  # spending keeps the hours

    def test_a_code_is_used_once(self, world: World) -> None:
        code, _ = world.app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        world.app.redeem_code(STATION_KEEPER, STATION, code)
        message = refused(world.app, errors.CodeNotUsable, world.app.redeem_code,
                          STATION_KEEPER, STATION, code)
        assert "used already" in message

    def test_a_code_expires_after_its_lifetime(self, world: World) -> None:
        code, expires_at = world.app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        with clock.frozen_at(expires_at + timedelta(seconds=1)):
            message = refused(world.app, errors.CodeNotUsable, world.app.redeem_code,
                              STATION_KEEPER, STATION, code)
        assert "expired" in message
        assert account(world).balance == 20

    def test_a_code_is_for_its_own_station(self, world: World) -> None:
        code, _ = world.app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        message = refused(world.app, errors.CodeNotUsable, world.app.redeem_code,
                          STATION_KEEPER, OTHER, code)
        assert STATION in message

    def test_a_mistyped_code_is_not_found(self, world: World) -> None:
        refused(world.app, errors.RedemptionCodeNotFound, world.app.redeem_code,
                STATION_KEEPER, STATION, "ABCD2345")

    def test_the_code_is_typed_in_any_case_with_dashes(self, world: World) -> None:
        code, _ = world.app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        world.app.redeem_code(STATION_KEEPER, STATION, f" {code[:4].lower()}-{code[4:]} ")
        assert stock(world, "毛巾") == 4

    def test_no_code_for_more_points_than_the_balance(self, world: World) -> None:
        world.app.redeem_code(STATION_KEEPER, STATION, world.app.issue_redemption_code(
            world.barber_actor, STATION, "毛巾")[0])
        message = refused(world.app, errors.InsufficientPoints,
                          world.app.issue_redemption_code, world.barber_actor, STATION, "洗衣液")
        assert "redeem at most 10" in message

    def test_no_code_for_a_gift_out_of_stock_or_not_in_the_catalogue(
            self, world: World) -> None:
        app = world.app
        app.redeem_code(STATION_KEEPER, STATION,
                        app.issue_redemption_code(world.barber_actor, STATION, "洗衣液")[0])
        assert stock(world, "洗衣液") == 0
        refused(app, errors.OutOfStock, app.issue_redemption_code, world.barber_actor,
                STATION, "洗衣液")
        refused(app, errors.GiftNotFound, app.issue_redemption_code, world.barber_actor,
                STATION, "自行车")

    def test_the_last_gift_goes_to_the_first_code_redeemed(self, world: World) -> None:
        app = world.app
        app.add_gift(STATION_KEEPER, STATION, "帽子", 5, 1)
        first, _ = app.issue_redemption_code(world.barber_actor, STATION, "帽子")
        second, _ = app.issue_redemption_code(world.barber_actor, STATION, "帽子")
        app.redeem_code(STATION_KEEPER, STATION, first)
        message = refused(app, errors.OutOfStock, app.redeem_code, STATION_KEEPER, STATION,
                          second)
        assert "restock" in message
        assert (stock(world, "帽子"), account(world).balance) == (0, 15)

    def test_a_keeper_cannot_spend_points_without_the_volunteers_code(
            self, world: World) -> None:
        # Only the volunteer, as themself, takes a code from their account.
        refused(world.app, errors.PermissionDenied, world.app.issue_redemption_code,
                STATION_KEEPER, STATION, "毛巾")
        # And a station with a catalogue takes no direct redemption.
        message = refused(world.app, errors.StationRedeemsByCode, world.app.redeem_points,
                          STATION_KEEPER, world.barber, 10, "毛巾", STATION)
        assert "redeemed with the volunteer's redemption code" in message

    def test_a_volunteer_cannot_redeem_a_code_themself(self, world: World) -> None:
        code, _ = world.app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        refused(world.app, errors.PermissionDenied, world.app.redeem_code,
                world.barber_actor, STATION, code)
        own = STATION_KEEPER.__class__("station-keeper", str(world.barber))
        refused(world.app, errors.PermissionDenied, world.app.redeem_code, own, STATION, code)

    def test_a_volunteer_without_points_gets_no_code(self, world: World) -> None:
        refused(world.app, errors.EntryNotFound, world.app.issue_redemption_code,
                world.as_volunteer(world.outsider), STATION, "毛巾")

    def test_a_gift_outside_any_catalogue_is_still_redeemed_directly(
            self, world: World) -> None:
        entry = world.app.redeem_points(STATION_KEEPER, world.barber, 5, "纪念章", "表彰大会")
        assert account(world).entries[entry].station == "表彰大会"
        assert account(world).balance == 15


class TestTheRecordsFollow:
    def test_the_report_and_the_view_count_the_redemption(self, world: World) -> None:
        from civicvol.app.views import district_report

        code, _ = world.app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        world.app.redeem_code(STATION_KEEPER, STATION, code)
        points = district_report(world.app)["points"]
        assert (points["redeemed"], points["redemptions"], points["outstanding"]) == (10, 1, 10)
        assert world.app.views.points.account(str(world.barber))["balance"] == 10

    def test_the_report_shows_each_stations_stock_and_what_it_handed_out(
            self, world: World) -> None:
        from civicvol.app.views import district_report, fold_report
        from civicvol.audit.replay import replay

        code, _ = world.app.issue_redemption_code(world.barber_actor, STATION, "毛巾")
        world.app.redeem_code(STATION_KEEPER, STATION, code)
        world.app.restock_gift(STATION_KEEPER, OTHER, "毛巾", 2)
        stations = district_report(world.app)["stations"]
        assert stations == {
            "open": 2, "in_stock": 1 + 4 + 5, "handed_out": 1,
            "by_station": {OTHER: {"in_stock": 5, "handed_out": 0},
                           STATION: {"in_stock": 5, "handed_out": 1}}}
        assert fold_report(world.app, world.app.all_events())["stations"] == stations
        assert replay(world.app).discrepancies == []


class TestTheCommandLine:
    """The whole counter through ``civicvol``: open, stock, code, redeem, and refusals."""

    def test_a_gift_redeemed_at_the_counter(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'counter.db'}"
        barber = cli.created(store, "volunteer", "register", "--name", "李师傅", "--phone",
                             "13800138000", "--community", "东庄社区")
        with closing(CivicVol(store)) as app:
            app.credit_points(ADMIN, barber, 30, Source("award", "cli-story"))
            app.approve_points(POINTS_AUDITOR, barber)
        cli.created(store, "station", "open", STATION, "--community", "金实社区")
        cli.ok(store, "station", "add-gift", STATION, "--gift", "毛巾", "--price", "10",
               "--stock", "1", actor=cli.STATION_KEEPER)
        cli.ok(store, "station", "restock", STATION, "--gift", "毛巾", "--quantity", "1",
               actor=cli.ADMIN)
        assert cli.shown(store, "station", "catalogue", STATION) == {
            "station": STATION, "gifts": [{"gift": "毛巾", "price": 10, "stock": 2}]}
        taken = json.loads(cli.ok(store, "points", "code", "--station", STATION, "--gift",
                                  "毛巾", "--json", actor=f"volunteer:{barber}").stdout)
        assert taken["expires_at"].endswith("+08:00")
        entry = cli.created(store, "station", "redeem", STATION, taken["code"],
                            actor=cli.STATION_KEEPER)
        shown = cli.shown(store, "points", "show", barber)
        assert (shown["balance"], shown["redeemed"]) == (20, 10)
        assert [e["entry"] for e in shown["entries"] if e["kind"] == "redemption"] == [entry]
        line = cli.refused(store, "station", "redeem", STATION, taken["code"],
                           actor=cli.STATION_KEEPER, exit_code=5)
        assert "used already" in line
        line = cli.refused(store, "station", "catalogue", "无名驿站", exit_code=3)
        assert "station open" in line
        cli.refused(store, "station", "open", "新驿站", "--community", "金实社区",
                    actor=cli.STATION_KEEPER, exit_code=4)

    def test_the_district_sets_the_validity_and_expires_points(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'expiry.db'}"
        barber = cli.created(store, "volunteer", "register", "--name", "李师傅", "--phone",
                             "13800138000", "--community", "东庄社区")
        earned = clock.now() - timedelta(days=400)
        if (clock.district_day(earned).month, clock.district_day(earned).day) == (2, 29):
            earned -= timedelta(days=1)  # keep the year's arithmetic below plain
        with closing(CivicVol(store)) as app:
            with clock.frozen_at(earned - timedelta(days=1)):
                app.set_points_validity(ADMIN, "1y")
            with clock.frozen_at(earned):
                app.credit_points(ADMIN, barber, 30, Source("award", "cli-story"))
                app.approve_points(POINTS_AUDITOR, barber)
        ends = clock.district_day(earned).replace(year=clock.district_day(earned).year + 1)
        assert cli.shown(store, "points", "show", barber)["lots"] == [
            {"entry": "E1", "points": 30, "expires_on": ends.isoformat()}]
        expired = json.loads(cli.ok(store, "points", "expire", "--json",
                                    actor=cli.ADMIN).stdout)
        assert expired == {barber: ["E2"]}
        assert "expired 0 lots on 0 accounts" in cli.ok(store, "points", "expire",
                                                         actor=cli.ADMIN).stdout
        assert cli.shown(store, "points", "show", barber)["expired"] == 30
        cli.ok(store, "points", "validity", "set", "3y", actor=cli.ADMIN)
        validity = cli.shown(store, "points", "validity", "show")
        assert [c["validity"] for c in validity["changes"]] == ["1y", "3y"]
        cli.refused(store, "points", "validity", "set", "forever", actor=cli.ADMIN,
                    exit_code=2)
        cli.refused(store, "points", "expire", "--as-of", "2999-01-01", actor=cli.ADMIN,
                    exit_code=2)

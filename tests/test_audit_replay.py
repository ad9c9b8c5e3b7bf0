"""Audit replay: the whole log, copied event by event into a scratch store, rebuilds reports
that agree with the live aggregates; a stored event altered behind civicvol's back (still
decodable) shows up as a discrepancy in the figure it changes."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from click.testing import CliRunner

from civicvol import CivicVol
from civicvol.audit.replay import replay
from civicvol.cli import cli
from tests.audit_tamper import Tamperer
from tests.conftest import POINTS_AUDITOR, RESIDENT, STATION_KEEPER
from tests.history_fixture import load_history
from tests.world import build_world

SERVICE_RECORDED = "civicvol.domain.volunteer:Volunteer.ServiceRecorded"


def lived_district(app: CivicVol) -> None:
    """Orders completed, rated, declined and cancelled; points approved, redeemed, rejected."""
    world = build_world(app)
    first = world.completed_order("2")
    app.rate_order(RESIDENT, first, 5)
    world.completed_order("1.5")
    declined = world.dispatched_order()
    app.decline_order(world.barber_actor, declined, "no one free today")
    app.cancel_order(RESIDENT, world.placed_order(), "solved it myself")
    app.approve_points(POINTS_AUDITOR, world.barber, "E1")
    app.reject_points(POINTS_AUDITOR, world.barber, "E2", "hours not confirmed")
    app.redeem_points(STATION_KEEPER, world.barber, 5, "毛巾", "东庄社区站")


@pytest.fixture
def district(disk_url: str) -> Iterator[CivicVol]:
    app = CivicVol(disk_url)
    lived_district(app)
    yield app
    app.close()


class TestReplayAgrees:
    def test_a_lived_district_replays_to_the_same_figures_on_every_store(
            self, app: CivicVol) -> None:
        lived_district(app)
        result = replay(app)
        assert result.agrees, result.discrepancies
        assert result.events == app.event_count()
        assert result.replayed["orders"]["completed"] == 2
        assert result.replayed["orders"]["cancelled"] == 1
        assert result.replayed["service"]["hours"] == "3.5"
        assert result.replayed["points"]["rejected"] > 0
        assert result.replayed["points"]["redeemed"] == 5
        assert result.live_head == result.replayed_head

    def test_the_scratch_store_can_be_memory(self, app: CivicVol) -> None:
        lived_district(app)
        assert replay(app, scratch_url="memory://", page=7).agrees

    def test_a_history_written_by_an_earlier_version_replays(self, app: CivicVol) -> None:
        load_history(app)
        result = replay(app)
        assert result.agrees, result.discrepancies
        assert result.replayed["service"]["hours"] == "6.5"

    def test_every_record_is_loaded(self, app: CivicVol) -> None:
        lived_district(app)
        # 2 teams, 3 volunteers, 3 memberships, 4 orders, 1 point account
        assert replay(app).aggregates == 13


class TestReplayChecksTheViews:
    def test_a_view_row_changed_by_hand_is_a_discrepancy(self, app: CivicVol) -> None:
        lived_district(app)
        assert replay(app).agrees
        app.views.catch_up()
        with app.views.db.writing("orders") as c:
            c.execute("UPDATE {view_orders} SET status = 'cancelled' WHERE status = 'rated'")
        result = replay(app)
        assert [d.figure for d in result.discrepancies] == ["view orders: view_orders"]
        assert str(result.discrepancies[0]).startswith(
            "view orders: view_orders: live '1 rows not in the rebuild'")


class TestReplayFindsDiscrepancies:
    def test_hours_altered_on_a_volunteer_disagree_with_the_order(
            self, district: CivicVol) -> None:
        tamper = Tamperer(district)
        (position,) = [p for (p,) in tamper.sql(
            f"SELECT c.position FROM {tamper.chain} c JOIN {tamper.events} e "
            f"ON e.{tamper.id_column}=c.notification_id WHERE e.topic=? "
            "ORDER BY c.position LIMIT 1", SERVICE_RECORDED)]
        state = tamper.state_at(position)
        forged = state.replace(b'"_data_":"2"}', b'"_data_":"7"}')
        assert forged != state
        tamper.sql(f"UPDATE {tamper.events} SET state=? WHERE {tamper.id_column}=?", forged,
                   tamper.id_at(position))

        result = replay(CivicVol(district.store_url))

        assert not result.agrees
        by_figure = {d.figure: d for d in result.discrepancies}
        assert by_figure["service.hours"].live == "3.5"
        assert by_figure["service.hours"].replayed == "8.5"

    def test_the_cli_reports_the_discrepancy_and_exits_1(self, district: CivicVol) -> None:
        tamper = Tamperer(district)
        for row_id, state in tamper.sql(f"SELECT {tamper.id_column}, state FROM "
                                        f"{tamper.events} WHERE topic=?", SERVICE_RECORDED):
            tamper.sql(f"UPDATE {tamper.events} SET state=? WHERE {tamper.id_column}=?",
                       bytes(state).replace(b'"_data_":"1.5"}', b'"_data_":"9.5"}'), row_id)
        outcome = CliRunner().invoke(cli, ["--store", district.store_url, "audit", "replay"])
        assert outcome.exit_code == 1
        assert "DISCREPANCY service.hours: live '3.5', replayed '11.5'" in outcome.output

    def test_the_cli_says_every_figure_agrees_and_exits_0(self, district: CivicVol) -> None:
        outcome = CliRunner().invoke(cli, ["--store", district.store_url, "audit", "replay",
                                           "--json"])
        assert outcome.exit_code == 0, outcome.output
        assert '"agrees": true' in outcome.output


class TestPlugInSections:
    def test_a_district_with_its_plug_ins_replays_every_section(self) -> None:
        from civicvol.bootstrap import open_district
        from civicvol.demo import build_panlong

        app = open_district("memory://")
        build_panlong(app, scale=0.003)
        sections = app.extensions.report_sections(app)
        assert sections, "the built-in plug-ins bring report sections"
        result = replay(app)
        assert result.agrees, result.discrepancies
        for section in sections:
            assert section.name in result.replayed and section.name in result.live


class TestRecordsThatDoNotRebuild:
    def test_a_record_of_a_missing_plug_in_is_named(self, app: CivicVol) -> None:
        from uuid import uuid4

        from eventsourcing.persistence import StoredEvent

        lived_district(app)
        stray = uuid4()
        app.recorder.insert_events([StoredEvent(
            originator_id=stray, originator_version=1,
            topic="civicvol_retired_plugin.drive:Drive.Launched",
            state=b'{"timestamp":{"_type_":"datetime_iso","_data_":"2024-01-01T00:00:00+00:00"}}'
        )])
        result = replay(app)
        # A missing plug-in is not a disagreeing history (live and replayed lack it alike):
        # it is named once, with the records that could not be rebuilt, and the rest agrees.
        assert result.agrees, result.discrepancies
        [missing] = result.missing_plugins
        assert "civicvol_retired_plugin" in missing["plugin"]
        assert missing["records_not_rebuilt"] == [str(stray)]
        assert result.as_dict()["missing_plugins"] == [missing]

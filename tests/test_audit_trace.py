"""An auditor reads one record's history, and follows every point of a volunteer back to
the event that earned, audited or spent it."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from civicvol import CivicVol, PointsScheme
from civicvol.audit.history import aggregate_history
from civicvol.audit.trace import trace_points
from civicvol.cli import cli
from civicvol.domain.errors import NotFound
from civicvol.domain.values import Source
from tests.conftest import ADMIN, POINTS_AUDITOR, RESIDENT, STATION_KEEPER
from tests.stores import shared_store, store_for_cli
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


class TestHistory:
    def test_every_event_of_an_order_with_who_and_when_in_shanghai(self, world: World) -> None:
        app = world.app
        with app.events_dated(datetime(2023, 12, 31, 17, 0, tzinfo=UTC)):
            order = world.completed_order("2")
        rows = aggregate_history(app, order)
        assert [r["event"] for r in rows] == [
            "ServiceOrder.Placed", "ServiceOrder.Dispatched", "ServiceOrder.Accepted",
            "ServiceOrder.Completed"]
        assert [r["version"] for r in rows] == [1, 2, 3, 4]
        assert rows[0]["time"] == "2024-01-01T01:00:00+08:00"
        assert rows[0]["by"] == "resident:r-1001"
        assert rows[0]["changes"]["service"] == "理发"
        assert rows[0]["changes"]["channel"] == "platform"
        assert rows[3]["changes"] == {"hours": "2", "served": "1"}
        positions = [r["position"] for r in rows]
        assert positions == sorted(positions) and positions[-1] <= app.event_count()

    def test_a_volunteer_history_shows_contact_details_while_the_key_exists(
            self, world: World) -> None:
        rows = aggregate_history(world.app, world.barber)
        assert rows[0]["event"] == "Volunteer.Registered"
        assert rows[0]["changes"]["contact"] == "李师傅, 13800138000"
        assert rows[0]["by"] == str(ADMIN)

    def test_an_unknown_id_is_refused_with_what_to_do(self, world: World) -> None:
        with pytest.raises(NotFound, match="check the id"):
            aggregate_history(world.app, "3f2b9c1e-0000-4000-8000-000000000000")


class TestTracePoints:
    def test_a_credit_is_traced_to_the_order_and_its_completion(self, world: World) -> None:
        app = world.app
        order = world.completed_order("2")
        app.approve_points(POINTS_AUDITOR, world.barber)
        trace = trace_points(app, world.barber)
        (entry,) = trace["entries"]
        assert entry["source"] == f"order:{order}"
        assert entry["points"] == 20 and entry["status"] == "approved"
        assert entry["approved_by"] == str(POINTS_AUDITOR)
        completion = entry["origin"]["event"]
        assert completion["name"] == "ServiceOrder.Completed"
        assert completion["by"] == str(world.barber_actor)
        assert entry["origin"]["hours"] == "2"
        assert [a["action"] for a in trace["actions"]] == ["credited", "approved"]
        credited = trace["actions"][0]["event"]
        assert credited["version"] == 2 and credited["position"] > completion["position"]

    def test_rejected_reversed_and_redeemed_points_each_name_their_event(
            self, world: World) -> None:
        app = world.app
        world.completed_order("2")
        world.completed_order("1")
        world.completed_order("3")
        app.approve_points(POINTS_AUDITOR, world.barber, "E1")
        app.reject_points(POINTS_AUDITOR, world.barber, "E2", "no signature")
        app.approve_points(POINTS_AUDITOR, world.barber, "E3")
        app.reverse_points(POINTS_AUDITOR, world.barber, "E3", "order disputed")
        app.redeem_points(STATION_KEEPER, world.barber, 15, "毛巾", "东庄社区站")
        trace = trace_points(app, world.barber)
        assert [(a["action"], a["entry"]) for a in trace["actions"]] == [
            ("credited", "E1"), ("credited", "E2"), ("credited", "E3"), ("approved", "E1"),
            ("rejected", "E2"), ("approved", "E3"), ("reversed", "E3"), ("redeemed", "E4")]
        entries = {e["entry"]: e for e in trace["entries"]}
        assert entries["E2"]["status"] == "rejected" and entries["E2"]["reason"] == "no signature"
        assert entries["E3"]["status"] == "reversed"
        assert entries["E4"]["gift"] == "毛巾" and entries["E4"]["points"] == 15
        assert trace["actions"][-1]["event"]["by"] == str(STATION_KEEPER)
        assert trace["balance"] == 20 - 15

    def test_a_plug_in_credit_names_its_source(self) -> None:
        # A scheme that approves credits on entry (the scheme decides, not the caller).
        world = build_world(CivicVol("memory://", points_scheme=PointsScheme(auto_approve=True)))
        app = world.app
        app.credit_points(ADMIN, world.barber, 5, Source("award", "c-17"))
        (entry,) = trace_points(app, world.barber)["entries"]
        assert entry["origin"] == {"kind": "award", "id": "c-17"}
        assert "approved on credit" in entry["approved_by"]

    def test_a_credit_of_a_missing_plug_in_is_named_and_the_rest_still_traces(
        self, world: World
    ) -> None:
        from uuid import uuid4

        from eventsourcing.persistence import StoredEvent

        app = world.app
        order = world.completed_order("2")
        stray = uuid4()
        app.recorder.insert_events([StoredEvent(
            originator_id=stray, originator_version=1,
            topic="civicvol_retired_plugin.shift:Shift.Logged",
            state=b'{"timestamp":{"_type_":"datetime_iso","_data_":"2024-01-01T00:00:00+00:00"}}'
        )])
        app.credit_points(ADMIN, world.barber, 3, Source("shift", str(stray)))
        entries = trace_points(app, world.barber)["entries"]
        assert [e["source"] for e in entries] == [f"order:{order}", f"shift:{stray}"]
        assert entries[0]["origin"]["event"]["name"].endswith("Completed")
        assert "civicvol_retired_plugin" in entries[1]["origin"]["missing_plugin"]["message"]

    @shared_store
    def test_the_cli_trace_as_json(self, world: World) -> None:
        url = store_for_cli(world.app)
        order = world.completed_order("2")
        outcome = CliRunner().invoke(cli, ["--store", url, "audit", "trace-points",
                                           str(world.barber), "--json"])
        assert outcome.exit_code == 0, outcome.output
        assert json.loads(outcome.output)["entries"][0]["source"] == f"order:{order}"


class TestHistoryCommand:
    @shared_store
    def test_the_cli_history_as_json(self, world: World) -> None:
        url = store_for_cli(world.app)
        order = world.completed_order("2")
        outcome = CliRunner().invoke(cli, ["--store", url, "audit", "history",
                                           str(order), "--json"])
        assert outcome.exit_code == 0, outcome.output
        rows = json.loads(outcome.output)
        assert [r["event"] for r in rows][-1] == "ServiceOrder.Completed"

    @shared_store
    def test_the_cli_history_as_json_prints_whole_values(self, world: World) -> None:
        url = store_for_cli(world.app)
        order = world.placed_order()
        reason = "家里临时有事，" * 20  # 140 characters: longer than a table cell shows
        world.app.cancel_order(RESIDENT, order, reason)
        outcome = CliRunner().invoke(cli, ["--store", url, "audit", "history",
                                           str(order), "--json"])
        assert outcome.exit_code == 0, outcome.output
        changes = json.loads(outcome.output)[-1]["changes"]
        assert reason in changes.values()
        assert "…" in aggregate_history(world.app, order)[-1]["changes"]["reason"]

    def test_the_cli_refuses_an_id_that_is_not_one(self, world: World) -> None:
        outcome = CliRunner().invoke(cli, ["--store", "memory://", "audit", "history",
                                           "not-an-id"])
        assert outcome.exit_code == 2 and "is not a record id" in outcome.output


def test_a_history_table_cuts_long_values_between_items_never_inside_an_id() -> None:
    from decimal import Decimal
    from uuid import UUID

    from civicvol.audit.history import short

    ids = [UUID(int=n * 0x1111_1111_1111_1111_1111_1111_1111_1111) for n in range(1, 5)]
    shown = short({str(i): Decimal("1.5") for i in ids})  # an activity's attendance
    assert shown.endswith("…") and len(shown) <= 60
    kept = shown.removesuffix("…").split(", ")
    assert kept and all(k.split(": ")[0] in {str(i) for i in ids} for k in kept)
    assert short("x" * 100) == "x" * 59 + "…"  # one long word is cut where it must be

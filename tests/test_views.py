"""The read side: views follow the log, answer the district's questions, and equal a rebuild.

Stories on memory, SQLite and PostgreSQL: a dispatcher finds the oldest waiting order, a
points auditor clears the pending queue, staff find 李师傅 by phone; then the promises: the
views agree with the old log-scanning report, a rebuild from position 1 gives the same rows,
erasure leaves nothing readable in the views' bytes, and two processes catching up at once (or
one killed in the middle) never count an event twice.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from civicvol import Actor, CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.app.views import district_report, fold_report
from civicvol.domain.errors import InvalidInput
from tests.conftest import ADMIN, DISPATCHER, POINTS_AUDITOR, RESIDENT
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


def core_of(report: dict[str, Any]) -> dict[str, Any]:
    """The figures both ways of reporting give (the old fold has no cycle section)."""
    keep = ("teams", "volunteers", "orders", "service", "points")
    return json.loads(json.dumps({k: report[k] for k in keep}, default=str))


class TestTheDispatchersQueue:
    def test_the_dispatcher_finds_the_oldest_waiting_order_and_dispatches_it(
            self, world: World) -> None:
        first = world.placed_order()
        second = world.placed_order()
        queue = world.app.views.orders.queue()
        assert [o["id"] for o in queue] == [str(first), str(second)]
        world.app.dispatch_order(DISPATCHER, queue[0]["id"], world.team)
        assert [o["id"] for o in world.app.views.orders.queue()] == [str(second)]

    def test_a_declined_order_goes_back_to_the_queue(self, world: World) -> None:
        order = world.dispatched_order()
        assert world.app.views.orders.queue() == []
        world.app.decline_order(world.barber_actor, order, "师傅生病")
        (back,) = world.app.views.orders.queue()
        assert back["id"] == str(order) and back["declines"] == 1 and back["team_id"] is None

    def test_orders_are_listed_by_status_team_community_and_volunteer(
            self, world: World) -> None:
        done = world.completed_order(hours="1.5")
        waiting = world.dispatched_order()
        orders = world.app.views.orders
        assert [o["id"] for o in orders.list(status="completed")] == [str(done)]
        assert [o["id"] for o in orders.list(status="open")] == [str(waiting)]
        assert {o["id"] for o in orders.list(team=str(world.team))} == {str(done), str(waiting)}
        assert [o["id"] for o in orders.list(community="东庄社区", status="dispatched")] == [
            str(waiting)]
        assert orders.list(community="金星社区") == []
        (mine,) = orders.list(volunteer=str(world.barber))
        assert mine["hours"] == "1.5" and mine["served"] == 1
        assert mine["completed_at"] >= mine["accepted_at"] >= mine["dispatched_at"]


class TestFindingPeople:
    def test_staff_find_li_by_phone_and_by_part_of_the_name(self, world: World) -> None:
        volunteers = world.app.views.volunteers
        (li,) = volunteers.search(phone="138 0013 8000")
        assert li["id"] == str(world.barber) and li["name"] == "李师傅"
        assert [v["id"] for v in volunteers.search(name="师傅")] == [str(world.barber)]
        assert volunteers.search(name="张") == []
        assert volunteers.search(phone="13800138001") == []
        assert {v["name"] for v in volunteers.search(community="东庄社区")} == {"李师傅", "王阿姨"}
        assert [v["name"] for v in volunteers.search(skill="理发")] == ["李师傅"]

    def test_a_team_lists_its_members_and_a_volunteer_their_orders(
            self, world: World) -> None:
        open_order = world.accepted_order()
        roster = world.app.views.memberships.members(str(world.team))
        assert [m["volunteer_id"] for m in roster] == [str(world.barber), str(world.helper)]
        assert world.app.views.teams.get(str(world.team))["members"] == 2
        world.app.leave_team(ADMIN, world.team, world.helper)
        assert world.app.views.teams.get(str(world.team))["members"] == 1
        world.app.volunteer_leaves(ADMIN, world.barber, "搬家")
        assert world.app.views.teams.get(str(world.team))["members"] == 0
        (order,) = world.app.views.orders.of_volunteer(str(world.barber))
        assert order["id"] == str(open_order)

    def test_a_new_contact_is_found_and_the_old_one_is_not(self, world: World) -> None:
        world.app.update_contact(ADMIN, world.barber, "李建国", "13600136000")
        volunteers = world.app.views.volunteers
        assert volunteers.search(phone="13800138000") == []
        assert [v["name"] for v in volunteers.search(phone="13600136000")] == ["李建国"]


class TestThePointsAuditorsQueue:
    def test_the_points_auditor_clears_the_districts_pending_queue(self, world: World) -> None:
        world.completed_order(hours="2")
        world.completed_order(hours="1")
        points = world.app.views.points
        pending = points.pending()
        assert [(p["entry_id"], p["points"]) for p in pending] == [("E1", 20), ("E2", 10)]
        assert points.pending(community="金实社区") == []
        assert len(points.pending(team=str(world.team))) == 2
        world.app.approve_points(POINTS_AUDITOR, world.barber)
        assert points.pending() == []
        assert points.account(str(world.barber)) == {
            "volunteer_id": str(world.barber), "balance": 30, "pending": 0, "redeemed": 0}


class TestTheReportShowsTheCycle:
    def test_a_five_order_district_shows_each_stage(self, world: World) -> None:
        world.placed_order()
        world.dispatched_order()
        world.accepted_order()
        world.completed_order()
        rated = world.completed_order()
        world.app.rate_order(RESIDENT, rated, 5)
        cycle = district_report(world.app)["cycle"]
        assert {k: cycle[k] for k in ("placed", "dispatched", "accepted", "completed",
                                      "rated")} == {"placed": 5, "dispatched": 4, "accepted": 3,
                                                    "completed": 2, "rated": 1}
        assert cycle["waiting_for_dispatch"] == 1 and cycle["in_service"] == 1
        assert cycle["by_channel"]["platform"]["dispatched"] == 4

    def test_a_redispatch_counts_the_order_once(self, world: World) -> None:
        order = world.dispatched_order()
        world.app.decline_order(world.barber_actor, order, "没空")
        world.app.dispatch_order(DISPATCHER, order, world.team)
        cycle = district_report(world.app)["cycle"]
        assert cycle["dispatched"] == 1 and cycle["declined"] == 1
        days = world.app.views.timeline.days()
        assert sum(d["dispatched"] for d in days) == 2 and sum(d["declined"] for d in days) == 1

    def test_the_views_report_equals_the_log_scanning_report(self, world: World) -> None:
        world.completed_order(hours="1.5")
        rated = world.completed_order(hours="2.25")
        world.app.rate_order(RESIDENT, rated, 4)
        cancelled = world.placed_order()
        world.app.cancel_order(RESIDENT, cancelled, "不需要了")
        world.app.approve_points(POINTS_AUDITOR, world.barber, "E1")
        world.app.redeem_points(Actor("station-keeper", "sk-1"), world.barber, 5, "毛巾",
                                "东庄社区站")
        world.app.suspend_volunteer(ADMIN, world.outsider, "请假")
        world.app.dissolve_team(ADMIN, world.other_team, "合并")
        live = district_report(world.app)
        scanned = fold_report(world.app, world.app.all_events())
        assert core_of(live) == core_of(scanned)
        assert Decimal(live["service"]["hours"]) == Decimal("3.75")


class TestOneBadEvent:
    def test_an_event_the_views_cannot_read_is_named_and_the_rest_still_counts(
            self, world: World) -> None:
        from uuid import uuid4

        from eventsourcing.persistence import StoredEvent
        from eventsourcing.utils import get_topic

        from civicvol.domain.service_order import ServiceOrder

        world.placed_order()
        world.app.recorder.insert_events([StoredEvent(
            originator_id=uuid4(), originator_version=1,
            topic=get_topic(ServiceOrder.Placed), state=b'{"not": "an order"}')])
        bad = world.app.event_count()
        world.placed_order()
        report = district_report(world.app)
        assert report["orders"]["placed"] == 2
        assert [(s["view"], s["position"]) for s in report["skipped_events"]] == [
            ("orders", bad), ("service_requests", bad), ("timeline", bad)]
        assert len(world.app.views.orders.queue()) == 2


class TestFreshnessAndRebuild:
    def test_a_rebuild_from_position_1_gives_the_same_rows(self, world: World) -> None:
        world.completed_order()
        world.app.leave_team(ADMIN, world.team, world.helper)
        world.app.join_team(ADMIN, world.team, world.helper)
        views = world.app.views
        live = views.snapshot()
        assert views.rebuild() > 0
        assert views.snapshot() == live
        assert views.differences() == []

    def test_status_shows_each_views_lag_until_a_query_catches_up(self, world: World) -> None:
        views = world.app.views
        views.catch_up()
        world.placed_order()
        views.auto = False
        assert {s["lag"] for s in views.status()} == {1}
        views.auto = True
        views.orders.queue()
        assert {s["lag"] for s in views.status()} == {0}

    def test_a_wrongly_named_view_is_bad_input(self, world: World) -> None:
        with pytest.raises(InvalidInput, match="no view named ordres; the views are orders"):
            world.app.views.rebuild(["ordres"])


@pytest.mark.shared_store
class TestPrivacyOnDisk:
    def test_after_erasure_nothing_readable_remains_in_the_views(
            self, disk_url: str, tmp_path: Path) -> None:
        app = CivicVol(disk_url)
        try:
            world = build_world(app)
            assert app.views.volunteers.search(phone="13800138000")
            erase_volunteer(app, ADMIN, world.barber, "本人申请")
            assert app.views.volunteers.search(phone="13800138000") == []
            assert app.views.volunteers.search(name="李") == []
            assert app.views.volunteers.get(str(world.barber))["name"] == "[erased]"
            raw = view_bytes(app, disk_url)
            for secret in ("李师傅", "13800138000"):
                assert secret.encode() not in raw
            assert "王阿姨".encode() not in raw  # nobody's details are ever kept in the clear
        finally:
            app.close()


def view_bytes(app: CivicVol, url: str) -> bytes:
    """Every byte of the views' tables, as the database holds them."""
    out = bytearray()
    with app.views.db.reading() as c:
        for view in app.views:
            for table in view.table_names:
                c.execute(f"SELECT * FROM {{{table}}}")
                for row in c.all():
                    out += repr(row).encode("unicode_escape").decode().encode()
                    out += b"".join(v.encode() if isinstance(v, str) else bytes(str(v), "ascii")
                                    for v in row if v is not None)
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for suffix in ("", "-wal"):
            file = path.with_name(path.name + suffix)
            if file.exists():
                out += file.read_bytes()
    return bytes(out)

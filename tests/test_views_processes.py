"""Views kept by several processes: never an event applied twice, whatever happens.

Two processes catching up the same views at the same moment, a process killed (-9) in the
middle of a catch-up and then restarted, and on PostgreSQL a follower (`civicvol views run`)
in its own process whose work a `--wait` query in a third process sees.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicvol import Actor, CivicVol
from tests.conftest import ADMIN, DISPATCHER

pytestmark = pytest.mark.shared_store
CIVICVOL = str(Path(sys.executable).with_name("civicvol"))  # the installed command

CATCH_UP = """
import sys, time
from civicvol import CivicVol
app = CivicVol(sys.argv[1])
app.views.page_size = int(sys.argv[2])
pause = float(sys.argv[3])
def progress(done, head):
    print(done, flush=True)
    time.sleep(pause)
app.views.catch_up(force=True, progress=progress)
print("done", flush=True)
app.close()
"""


def build_district(url: str, people: int = 600) -> None:
    app = CivicVol(url)
    try:
        team = app.create_team(ADMIN, "盘龙区志愿服务总队", "corps")
        ids = app.register_volunteers(ADMIN, [(f"志愿者{i}", f"139{i:08d}", "东庄社区", ())
                                              for i in range(people)])
        app.join_team_in_bulk(ADMIN, team, ids)
        for i in range(20):
            order = app.place_order(Actor("resident", f"r-{i}"), "助老")
            if i % 2:
                app.dispatch_order(DISPATCHER, order, team)
    finally:
        app.close()


def catching_up(url: str, page: int, pause: float) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-c", CATCH_UP, url, str(page), str(pause)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def rebuilt_equals_live(url: str) -> None:
    app = CivicVol(url)
    try:
        app.views.auto = False
        live = app.views.snapshot()
        app.views.rebuild()
        assert app.views.snapshot() == live
        assert app.views.volunteers.counters("status") == {"active": 600}
        assert app.views.memberships.serving() == {
            app.views.teams.list()[0]["id"]: 600}
    finally:
        app.close()


class TestManyProcesses:
    def test_two_processes_catching_up_at_once_apply_each_event_once(
            self, disk_url: str) -> None:
        build_district(disk_url)
        first, second = catching_up(disk_url, 50, 0.01), catching_up(disk_url, 70, 0.01)
        for process in (first, second):
            out, err = process.communicate(timeout=120)
            assert process.returncode == 0, err
            assert out.strip().endswith("done")
        rebuilt_equals_live(disk_url)

    def test_a_process_killed_mid_catch_up_leaves_whole_pages_and_a_restart_completes(
            self, disk_url: str) -> None:
        build_district(disk_url)
        process = catching_up(disk_url, 50, 0.2)
        assert process.stdout is not None
        pages = [process.stdout.readline() for _ in range(3)]  # three pages committed
        assert all(p.strip().isdigit() for p in pages), pages
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        app = CivicVol(disk_url)
        try:
            app.views.auto = False
            positions = {s["view"]: s["position"] for s in app.views.status()}
            assert 0 < min(positions.values()) < app.views.head()  # killed part way
        finally:
            app.close()
        rebuilt_equals_live(disk_url)


@pytest.fixture
def follower(pg_schema_url: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    build_district(pg_schema_url, people=50)
    process = subprocess.Popen(
        [CIVICVOL, "--store", pg_schema_url, "views", "run",
         "--for", "60"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    yield pg_schema_url, process
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


@pytest.mark.postgres
class TestAFollowerOnPostgres:
    def test_a_command_in_one_process_is_seen_by_a_waiting_query_in_another(
            self, follower: tuple[str, subprocess.Popen[str]]) -> None:
        url, process = follower
        app = CivicVol(url)
        try:
            app.views.auto = False
            deadline = time.monotonic() + 30
            while app.views.status()[0]["lag"] and time.monotonic() < deadline:
                time.sleep(0.1)
            assert {s["lag"] for s in app.views.status()} == {0}, "the follower never caught up"
            order = app.place_order(Actor("resident", "r-new"), "理发")
        finally:
            app.close()
        query = subprocess.run(
            [CIVICVOL, "--store", url, "--wait", "20", "order",
             "queue", "--json"], capture_output=True, text=True, timeout=60)
        assert query.returncode == 0, query.stderr
        assert str(order) in query.stdout
        assert process.poll() is None, process.stderr.read() if process.stderr else ""

    def test_without_a_follower_a_waiting_query_says_the_views_are_behind(
            self, pg_schema_url: str) -> None:
        build_district(pg_schema_url, people=5)
        query = subprocess.run(
            [CIVICVOL, "--store", pg_schema_url, "--wait", "0.5",
             "order", "queue"], capture_output=True, text=True, timeout=60)
        assert query.returncode == 7
        assert "did not reach position" in query.stderr and "views run" in query.stderr

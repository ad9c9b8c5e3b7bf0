"""The real ``civicvol`` command line on a SQLite store: every command, its output and its
refusals (one ``error:`` line on stderr, a non-zero exit, nothing stored)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import closing
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from civicvol import CivicVol
from civicvol.cli import cli
from civicvol.cli.context import cell

ADMIN = "administrator:admin-1"
RESIDENT = "resident:r-1001"
DISPATCHER = "dispatcher:centre-1"
POINTS_AUDITOR = "points-auditor:pa-1"
STATION_KEEPER = "station-keeper:sk-1"


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


def civicvol(store: str | None, *args: str, actor: str | None = None,
             env: dict[str, str] | None = None) -> Result:
    argv = (["--store", store] if store else []) + (["--as", actor] if actor else [])
    return CliRunner(env=env).invoke(cli, [*argv, *args], catch_exceptions=False,
                                    prog_name="civicvol")


def ok(store: str, *args: str, actor: str | None = None) -> Result:
    result = civicvol(store, *args, actor=actor)
    assert result.exit_code == 0, result.output
    return result


def created(store: str, *args: str, actor: str = ADMIN) -> str:
    """Run a creating command; its new id stands alone on stdout's last line."""
    last = ok(store, *args, actor=actor).stdout.strip().splitlines()[-1]
    return last if last.startswith("E") else str(UUID(last))


def shown(store: str, *args: str) -> Any:
    return json.loads(ok(store, *args, "--json").stdout)


def event_count(store: str) -> int:
    with closing(CivicVol(store)) as app:
        return app.event_count()


def refused(store: str, *args: str, actor: str | None = None, exit_code: int | None = None,
            env: dict[str, str] | None = None) -> str:
    """The command fails with one ``error:`` line on stderr and stores nothing."""
    before = event_count(store)
    result = civicvol(store, *args, actor=actor, env=env)
    assert result.exit_code != 0, result.output
    if exit_code is not None:
        assert result.exit_code == exit_code, result.output
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.output
    assert event_count(store) == before
    return lines[0]


class District:
    """A barber in the Lei Feng haircut team, set up through the command line."""

    def __init__(self, store: str) -> None:
        self.store = store
        self.corps = created(store, "team", "create", "--name", "盘龙区志愿服务总队",
                             "--kind", "corps")
        self.team = created(store, "team", "create", "--name", "学雷锋志愿理发队", "--kind",
                            "special", "--parent", self.corps, "--community", "东庄社区")
        self.barber = created(store, "volunteer", "register", "--name", "李师傅", "--phone",
                              "13800138000", "--community", "东庄社区", "--skill", "理发")
        self.helper = created(store, "volunteer", "register", "--name", "王阿姨", "--phone",
                              "13900139000", "--community", "东庄社区")
        for member in (self.barber, self.helper):
            ok(store, "team", "join", self.team, member, actor=ADMIN)
        self.as_barber = f"volunteer:{self.barber}"

    def dispatched_order(self) -> str:
        order = created(self.store, "order", "place", "--service", "理发", "--description",
                        "上门理发", "--place", "东庄社区 3 栋", actor=RESIDENT)
        ok(self.store, "order", "dispatch", order, "--team", self.team, actor=DISPATCHER)
        return order

    def completed_order(self, hours: str = "2") -> str:
        order = self.dispatched_order()
        ok(self.store, "order", "accept", order, actor=self.as_barber)
        ok(self.store, "order", "complete", order, "--hours", hours, "--served", "1",
           actor=self.as_barber)
        return order


@pytest.fixture
def district(store: str) -> District:
    return District(store)


class TestCommands:
    def test_the_whole_cycle_through_the_command_line(self, district: District) -> None:
        store, barber = district.store, district.as_barber
        order = district.completed_order("1.5")
        ok(store, "order", "rate", order, "--stars", "5", "--comment", "手艺好", actor=RESIDENT)
        view = shown(store, "order", "show", order)
        assert (view["status"], view["volunteer_id"], view["hours"], view["stars"]) == (
            "rated", district.barber, "1.5", 5)
        assert shown(store, "points", "show", district.barber)["pending"] == 15
        approved = ok(store, "points", "approve", district.barber, "--entry", "E1",
                      actor=POINTS_AUDITOR)
        assert "E1" in approved.stdout
        entry = created(store, "points", "redeem", district.barber, "--points", "10",
                        "--gift", "洗衣液", "--station", "蜂享驿站", actor=STATION_KEEPER)
        points = shown(store, "points", "show", district.barber)
        assert (entry, points["balance"], points["redeemed"]) == ("E2", 5, 10)
        assert points["entries"][1]["gift"] == "洗衣液"
        volunteer = shown(store, "volunteer", "show", district.barber)
        assert (volunteer["service_hours"], volunteer["orders_completed"]) == ("1.5", 1)
        assert barber == f"volunteer:{volunteer['id']}"

    def test_the_shows_print_tables_without_json(self, district: District) -> None:
        store = district.store
        assert "李师傅" in ok(store, "volunteer", "show", district.barber).stdout
        assert "学雷锋志愿理发队" in ok(store, "team", "show", district.team).stdout
        order = district.dispatched_order()
        assert "dispatched" in ok(store, "order", "show", order).stdout
        assert "balance 0" in ok(store, "points", "show", district.barber).stdout
        assert "District report" in ok(store, "report").stdout

    def test_the_tables_print_brackets_as_typed(self, district: District) -> None:
        store = district.store
        bracketed = created(store, "volunteer", "register", "--name", "王[/b]", "--phone",
                            "13700137000", "--community", "东庄[red]社区")
        table = ok(store, "volunteer", "show", bracketed).stdout
        assert "王[/b]" in table and "东庄[red]社区" in table
        ok(store, "volunteer", "erase", district.helper, "--reason", "本人申请", "--yes",
           actor=ADMIN)
        assert ok(store, "volunteer", "show", district.helper).stdout.count("[erased]") == 2

    def test_a_table_cell_reads_as_plain_text(self) -> None:
        assert cell({"飞线充电": {"valid": 2, "invalid": 1}, "网络诈骗": {}}) == (
            "飞线充电 (valid: 2, invalid: 1), 网络诈骗 (-)")
        assert cell({"name": "理发队", "members": 9}) == "name: 理发队, members: 9"
        assert (cell(["理发", "助老"]), cell([]), cell(None), cell(0)) == (
            "理发, 助老", "-", "-", "0")

    def test_a_team_shows_its_members_parent_and_leaders(self, district: District) -> None:
        store = district.store
        ok(store, "team", "appoint-leader", district.team, district.barber, actor=ADMIN)
        team = shown(store, "team", "show", district.team)
        assert (team["kind"], team["parent_id"], team["community"], team["members"],
                team["leaders"]) == ("special", district.corps, "东庄社区", 2,
                                     [district.barber])
        ok(store, "team", "leave", district.team, district.helper, "--reason", "搬家",
           actor=f"leader:{district.barber}")
        assert shown(store, "team", "show", district.team)["members"] == 1
        ok(store, "team", "stand-down-leader", district.team, district.barber, actor=ADMIN)
        assert shown(store, "team", "show", district.team)["leaders"] == []
        ok(store, "team", "dissolve", district.team, "--reason", "合并", actor=ADMIN)
        assert shown(store, "team", "show", district.team)["dissolved"] is True

    def test_a_volunteers_record_is_kept_up_to_date(self, district: District) -> None:
        store, helper = district.store, district.helper
        ok(store, "volunteer", "update-contact", helper, "--name", "王秀英", "--phone",
           "0871-63123456", actor=f"volunteer:{helper}")
        ok(store, "volunteer", "suspend", helper, "--reason", "核查", actor=ADMIN)
        assert shown(store, "volunteer", "show", helper)["status"] == "suspended"
        ok(store, "volunteer", "reactivate", helper, actor=ADMIN)
        ok(store, "volunteer", "leave", helper, "--reason", "搬家", actor=f"volunteer:{helper}")
        view = shown(store, "volunteer", "show", helper)
        assert (view["name"], view["phone"], view["status"]) == (
            "王秀英", "0871-63123456", "left")

    def test_orders_are_declined_and_cancelled(self, district: District) -> None:
        store = district.store
        order = district.dispatched_order()
        ok(store, "order", "decline", order, "--reason", "人手不够",
           actor=f"volunteer:{district.helper}")
        declined = shown(store, "order", "show", order)
        assert (declined["status"], declined["declines"]) == ("placed", 1)
        ok(store, "order", "cancel", order, "--reason", "自己解决", actor=RESIDENT)
        assert shown(store, "order", "show", order)["status"] == "cancelled"

    def test_the_points_audit_approves_all_rejects_and_reverses(
        self, district: District
    ) -> None:
        store, barber = district.store, district.barber
        for hours in ("1", "2", "3"):
            district.completed_order(hours)
        ok(store, "points", "reject", barber, "--entry", "E3", "--reason", "重复",
           actor=POINTS_AUDITOR)
        result = ok(store, "points", "approve", barber, "--all", actor=POINTS_AUDITOR)
        assert "approved 2 entries: E1, E2" in result.stdout
        again = ok(store, "points", "approve", barber, "--all", actor=POINTS_AUDITOR)
        assert again.stdout == "approved nothing: no credit is pending\n"
        ok(store, "points", "reverse", barber, "--entry", "E1", "--reason", "争议",
           actor=POINTS_AUDITOR)
        points = shown(store, "points", "show", barber)
        assert points["balance"] == 20
        assert [e["status"] for e in points["entries"]] == ["reversed", "approved", "rejected"]

    def test_the_report_adds_up_as_json(self, district: District) -> None:
        district.completed_order("2")
        report = shown(district.store, "report")
        assert report["events"] == event_count(district.store)
        assert (report["teams"]["total"], report["volunteers"]["registered"],
                report["orders"]["completed"], report["service"]["hours"]) == (2, 2, 1, "2")

    def test_the_demo_builds_a_small_district(self, store: str) -> None:
        result = ok(store, "demo", "--scale", "0.001")
        assert "District report" in result.stdout
        report = shown(store, "report")
        assert report["volunteers"]["registered"] > 0 and report["teams"]["corps"] == 1

    def test_the_version_and_the_help(self) -> None:
        from civicvol import __version__

        assert __version__ in civicvol(None, "--version").stdout
        help_text = civicvol(None, "--help").stdout
        for group in ("volunteer", "team", "order", "points", "report", "demo"):
            assert group in help_text

    def test_the_store_comes_from_civicvol_store(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'from-env.db'}"
        env = {"CIVICVOL_STORE": store}
        result = civicvol(None, "volunteer", "register", "--name", "李师傅", "--phone",
                          "13800138000", "--community", "东庄社区", actor=ADMIN, env=env)
        assert result.exit_code == 0, result.output
        volunteer = result.stdout.strip().splitlines()[-1]
        assert event_count(store) == 1
        assert shown(store, "volunteer", "show", volunteer)["name"] == "李师傅"

    def test_the_installed_entry_point_runs(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'subprocess.db'}"
        script = Path(sys.executable).with_name("civicvol")
        env = {**os.environ, "CIVICVOL_STORE": store}
        done = subprocess.run(
            [str(script), "--as", ADMIN, "team", "create", "--name", "安全小红帽", "--kind",
             "special"], capture_output=True, text=True, env=env, timeout=60, check=False)
        assert done.returncode == 0, done.stderr
        team = done.stdout.strip().splitlines()[-1]
        shown_team = subprocess.run([str(script), "team", "show", team, "--json"],
                                    capture_output=True, text=True, env=env, timeout=60,
                                    check=False)
        assert json.loads(shown_team.stdout)["name"] == "安全小红帽"
        bad = subprocess.run([str(script), "--as", "mayor:1", "team", "create", "--name", "x",
                              "--kind", "special"], capture_output=True, text=True, env=env,
                             timeout=60, check=False)
        assert bad.returncode == 2  # an unknown role is bad input
        assert bad.stderr.splitlines() == [bad.stderr.strip()]
        assert bad.stderr.startswith("error: 'mayor' is not a role")


class TestRefusals:
    def test_a_command_needs_an_actor(self, district: District) -> None:
        message = refused(district.store, "order", "place", "--service", "理发", exit_code=4)
        assert "--as ROLE:ID" in message

    def test_a_malformed_actor(self, district: District) -> None:
        message = refused(district.store, "order", "place", "--service", "理发",
                          actor="resident", exit_code=2)
        assert "ROLE:ID" in message

    def test_an_unknown_role_lists_the_roles(self, district: District) -> None:
        message = refused(district.store, "order", "place", "--service", "理发",
                          actor="mayor:m-1", exit_code=2)  # bad input
        for role in ("resident", "volunteer", "leader", "dispatcher", "points-auditor",
                     "station-keeper", "administrator", "auditor"):
            assert role in message

    def test_an_unknown_role_is_refused_even_for_reading(self, district: District) -> None:
        message = refused(district.store, "report", actor="mayor:m-1", exit_code=2)
        assert "'mayor' is not a role" in message

    def test_an_auditor_changes_nothing(self, district: District) -> None:
        refused(district.store, "team", "join", district.corps, district.barber,
                actor="auditor:a-1", exit_code=4)
        assert shown(district.store, "team", "show", district.corps)["members"] == 0

    def test_a_malformed_phone(self, district: District) -> None:
        message = refused(district.store, "volunteer", "register", "--name", "赵", "--phone",
                          "12345", "--community", "金实社区", actor=ADMIN, exit_code=2)
        assert "13800138000" in message

    def test_a_non_member_cannot_accept(self, district: District) -> None:
        order = district.dispatched_order()
        outsider = created(district.store, "volunteer", "register", "--name", "赵骑手",
                           "--phone", "13700137000", "--community", "金实社区")
        message = refused(district.store, "order", "accept", order,
                          actor=f"volunteer:{outsider}", exit_code=5)
        assert "not a member" in message

    def test_absurd_hours_and_stars(self, district: District) -> None:
        order = district.dispatched_order()
        ok(district.store, "order", "accept", order, actor=district.as_barber)
        refused(district.store, "order", "complete", order, "--hours", "abc",
                actor=district.as_barber, exit_code=2)
        refused(district.store, "order", "complete", order, "--hours", "30",
                actor=district.as_barber, exit_code=2)
        ok(district.store, "order", "complete", order, "--hours", "1",
           actor=district.as_barber)
        refused(district.store, "order", "rate", order, "--stars", "9", actor=RESIDENT,
                exit_code=2)

    def test_an_overdrawn_redemption(self, district: District) -> None:
        district.completed_order("1")
        message = refused(district.store, "points", "redeem", district.barber, "--points",
                          "5", "--gift", "毛巾", "--station", "蜂享驿站",
                          actor=STATION_KEEPER, exit_code=5)
        assert "0 approved points (10 still wait" in message

    def test_approve_says_which_entries(self, district: District) -> None:
        district.completed_order("1")
        for flags in ((), ("--all", "--entry", "E1")):
            message = refused(district.store, "points", "approve", district.barber, *flags,
                              actor=POINTS_AUDITOR)
            assert "--all or --entry" in message

    def test_unknown_and_malformed_ids(self, district: District) -> None:
        message = refused(district.store, "volunteer", "show", "42", exit_code=2)
        assert "not a volunteer id" in message
        unknown = "3f2b9c1e-0000-4000-8000-000000000000"
        message = refused(district.store, "order", "show", unknown, exit_code=3)
        assert unknown in message
        refused(district.store, "team", "join", unknown, district.barber, actor=ADMIN,
                exit_code=3)

    @pytest.mark.parametrize("args", [
        ("order", "rate", "3f2b9c1e-0000-4000-8000-000000000000", "--stars", "many"),
        ("team", "create", "--name", "某队", "--kind", "squad"),
        ("order", "place"),
        ("volunteer", "frobnicate"),
        ("--bogus-option", "report"),
    ])
    def test_bad_usage_is_one_line_too(self, district: District, args: tuple[str, ...]) -> None:
        message = refused(district.store, *args, actor=ADMIN, exit_code=2)
        assert "--help" in message

    @pytest.mark.parametrize("url", [
        "ftp://example.org/civicvol",
        "sqlite://somehost/civicvol.db",
        "sqlite:///",
        "sqlite:////no/such/folder/civicvol.db",
        "postgresql://postgres@127.0.0.1:5432/",
        "postgresql://postgres@127.0.0.1:port/test",
    ])
    def test_a_malformed_store_url_is_one_line(self, url: str) -> None:
        result = civicvol(url, "report")
        assert result.exit_code == 7, result.output
        lines = result.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert "store" in lines[0]

    def test_a_file_that_is_not_a_store_is_one_line(self, tmp_path: Path) -> None:
        notes = tmp_path / "notes.txt"
        notes.write_text("这不是数据库\n" * 100)
        result = civicvol(f"sqlite:///{notes}", "report")
        assert result.exit_code == 7, result.output
        assert result.stderr.splitlines() == [
            f"error: cannot open store sqlite:///{notes}: file is not a database; check that "
            "--store (or CIVICVOL_STORE) names a civicvol store"]

    def test_a_folder_is_not_a_store(self, tmp_path: Path) -> None:
        result = civicvol(f"sqlite:///{tmp_path}", "report")
        assert result.exit_code == 7
        assert result.stderr.startswith(f"error: store URL 'sqlite:///{tmp_path}' names a "
                                         "folder; name a file in it")

    def test_no_one_acts_as_the_system(self, district: District) -> None:
        message = refused(district.store, "order", "place", "--service", "理发",
                          actor="system:x", exit_code=4)
        assert "'system' is civicvol's own role" in message

    def test_a_malformed_store_url_from_the_environment(self) -> None:
        result = civicvol(None, "report", env={"CIVICVOL_STORE": "mysql://db/x"})
        assert result.exit_code == 7
        assert result.stderr.startswith("error: store URL 'mysql://db/x' is not understood")

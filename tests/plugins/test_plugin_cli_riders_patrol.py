"""The riders' and the patrol's commands at the command line, on a SQLite store, through the
installed plug-ins (found by their entry points like any third-party plug-in)."""

from __future__ import annotations

import json
from contextlib import closing
from datetime import date, timedelta
from pathlib import Path

from civicvol import open_district
from tests.conftest import ADMIN
from tests.test_cli import ok, refused


def stdout(store: str, *args: str, actor: str | None = None) -> str:
    return ok(store, *args, actor=actor).stdout


def team_with_member(store: str, team: str, community: str) -> tuple[str, str, str]:
    with closing(open_district(store)) as app:
        team_id = app.create_team(ADMIN, team, "special", community=community)
        member = app.register_volunteer(ADMIN, "张骑手", "13700137001", community)
        outsider = app.register_volunteer(ADMIN, "王阿姨", "13900139000", "东庄社区")
        app.join_team(ADMIN, team_id, member)
    return str(team_id), str(member), str(outsider)


class TestRiderCluesAtTheCommandLine:
    def test_a_clue_goes_from_discovery_to_reward(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'riders.db'}"
        team, rider, _ = team_with_member(store, "先锋骑手", "金实社区")
        printed = stdout(store, "rider-clues", "report", "--team", team, "--category", "飞线充电",
                         "--photo", "wx/IMG_0412.jpg", "--place", "金实社区 7 栋",
                         "--seen-at", "2024-05-01T18:30", actor=f"volunteer:{rider}")
        clue = printed.strip().splitlines()[-1]
        handler = "clue-handler:jinshi-1"
        assert "5 points credited" in stdout(store, "rider-clues", "triage", clue,
                                             "--verdict", "valid", actor=handler)
        stdout(store, "rider-clues", "handle", clue, "--by", "物业", "--action", "拆除飞线",
               actor=handler)
        stdout(store, "rider-clues", "feedback", clue, "--message", "已处置, 谢谢",
               actor=handler)
        shown = json.loads(stdout(store, "rider-clues", "show", clue, "--json"))
        assert (shown["status"], shown["verdict"], shown["category_name"]) == (
            "fed-back", "valid", "飞线充电")
        assert shown["seen_at"] == "2024-05-01T18:30:00+08:00"
        listed = json.loads(stdout(store, "rider-clues", "list", "--verdict", "valid",
                                   "--json"))
        assert [c["id"] for c in listed] == [clue]
        line = refused(store, "rider-clues", "redeem", rider, "--points", "5", "--gift",
                       "雨衣", actor="station-keeper:fx-1")
        assert "wait for the audit" in line
        stdout(store, "points", "approve", rider, "--all", actor="points-auditor:pa-1")
        stdout(store, "rider-clues", "redeem", rider, "--points", "5", "--gift", "雨衣",
               actor="station-keeper:fx-1")
        report = json.loads(stdout(store, "report", "--json"))["rider-clues"]
        assert (report["valid_clues"], report["points_approved"], report["redemptions"]) == (
            1, 5, 1)

    def test_refusals_say_what_to_do_and_store_nothing(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'riders.db'}"
        team, rider, outsider = team_with_member(store, "先锋骑手", "金实社区")
        report = ("rider-clues", "report", "--team", team, "--photo", "wx/1.jpg", "--place",
                  "金实路")
        assert "is not known" in refused(store, *report, "--category", "噪音",
                                         actor=f"volunteer:{rider}")
        assert "not a date and time" in refused(store, *report, "--category",
                                                "online-fraud", "--seen-at", "yesterday",
                                                actor=f"volunteer:{rider}")
        assert "not a member of the rider team" in refused(
            store, *report, "--category", "online-fraud", actor=f"volunteer:{outsider}")
        clue = stdout(store, *report, "--category", "online-fraud",
                      actor=f"volunteer:{rider}").strip().splitlines()[-1]
        assert "only a clue-handler may" in refused(
            store, "rider-clues", "triage", clue, "--verdict", "valid",
            actor=f"volunteer:{rider}")
        assert "not triaged yet" in refused(store, "rider-clues", "feedback", clue,
                                            "--message", "谢谢", actor="clue-handler:h")

    def test_the_categories_and_their_points(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'riders.db'}"
        rows = json.loads(stdout(store, "rider-clues", "categories", "--json"))
        assert {r["category"]: r["points"] for r in rows} == {
            "flying-wire-charging": 5, "online-fraud": 5, "objects-thrown-from-height": 5,
            "unhygienic-food": 5}


class TestSafetyPatrolAtTheCommandLine:
    def test_an_inspection_its_hazards_a_reinspection_and_the_overdue_list(
            self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'patrol.db'}"
        team, member, _ = team_with_member(store, "安全小红帽", "金星社区")
        inspector = f"inspector:{member}"
        deadline = date.today() + timedelta(days=10)
        printed = stdout(store, "safety-patrol", "inspect", "--team", team, "--place", "3 号院",
                         "--fixed", "楼道堆放杂物", "--rectify", "飞线充电", "--rectify",
                         "消防通道被占用", "--deadline", deadline.isoformat(), actor=inspector)
        inspection = printed.strip().splitlines()[-1]
        shown = json.loads(stdout(store, "safety-patrol", "show", inspection, "--json"))
        assert shown["place"] == "3 号院" and len(shown["hazards"]) == 3
        wire, blocked = shown["hazards"][1], shown["hazards"][2]
        stdout(store, "safety-patrol", "reinspect", wire, "--fixed", actor=inspector)
        stdout(store, "safety-patrol", "reinspect", blocked, "--still-open", "--note",
               "仍堆放", actor=inspector)
        assert json.loads(stdout(store, "safety-patrol", "overdue", "--json")) == []
        later = (deadline + timedelta(days=1)).isoformat()
        overdue = json.loads(stdout(store, "safety-patrol", "overdue", "--as-of", later,
                                    "--json"))
        assert [(h["id"], h["days_overdue"]) for h in overdue] == [(blocked, 1)]
        still_open = json.loads(stdout(store, "safety-patrol", "hazards", "--open",
                                       "--json"))
        assert [h["id"] for h in still_open] == [blocked]
        stdout(store, "safety-patrol", "lecture", "--team", team, "--topic", "消防安全",
               "--place", "活动室", "--audience", "40", actor=inspector)
        stdout(store, "safety-patrol", "drill", "--team", team, "--kind", "防汛演练",
               "--place", "广场", "--partner", "联盟街道消防站", actor=inspector)
        report = json.loads(stdout(store, "report", "--json"))["safety-patrol"]
        assert (report["inspections"], report["hazards_found"], report["fixed_on_spot"],
                report["closed"], report["lectures"], report["drills"]["flood"]) == (
            1, 3, 1, 1, 1, 1)

    def test_refusals_say_what_to_do_and_store_nothing(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'patrol.db'}"
        team, member, outsider = team_with_member(store, "安全小红帽", "金星社区")
        inspect = ("safety-patrol", "inspect", "--team", team, "--place", "3 号院")
        assert "not a date" in refused(store, *inspect, "--rectify", "飞线",
                                       "--deadline", "soon", actor=f"inspector:{member}")
        assert "--rectify" in refused(store, *inspect, "--deadline", "2030-01-01",
                                      actor=f"inspector:{member}")
        assert "not after the inspection day" in refused(
            store, *inspect, "--rectify", "飞线", "--deadline", date.today().isoformat(),
            actor=f"inspector:{member}")
        assert "not a member of the patrol team" in refused(
            store, *inspect, actor=f"inspector:{outsider}")
        assert "is not one of flood" in refused(
            store, "safety-patrol", "drill", "--team", team, "--kind", "地震", "--place", "广场",
            actor=f"inspector:{member}")
        assert "not a date" in refused(store, "safety-patrol", "overdue", "--as-of", "x")

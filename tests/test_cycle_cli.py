"""The cycle on the command line: review, an activity from placing to closing with the
attendance, a pool, hours added afterwards, district settings and the deadline process."""

from __future__ import annotations

import json
from contextlib import closing
from pathlib import Path

import pytest

from civicvol import CivicVol
from tests.test_cli import ADMIN, DISPATCHER, RESIDENT, civicvol, created, ok, shown


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cycle.db'}"


def test_an_activity_from_review_to_the_attendance(store: str) -> None:
    ok(store, "district", "set", "review_orders", "true", actor=ADMIN)
    assert shown(store, "district", "settings")["review_orders"] is True
    team = created(store, "team", "create", "--name", "关爱老人志愿队", "--kind", "special",
                   "--community", "东庄社区")
    people = [created(store, "volunteer", "register", "--name", n, "--phone", p,
                      "--community", "东庄社区")
              for n, p in (("张队长", "13800138010"), ("李师傅", "13800138011"))]
    for v in people:
        ok(store, "team", "join", team, v, actor=ADMIN)
    ok(store, "team", "appoint-leader", team, people[0], actor=ADMIN)
    order = created(store, "order", "place", "--service", "助老", "--volunteers", "2",
                    actor=RESIDENT)
    assert shown(store, "order", "show", order)["status"] == "reviewing"
    refusal = civicvol(store, "order", "review", order, "--reject", actor=DISPATCHER)
    assert refusal.exit_code == 2 and "reason" in refusal.stderr
    ok(store, "order", "review", order, "--accept", actor=DISPATCHER)
    ok(store, "order", "dispatch", order, "--team", team, actor=DISPATCHER)
    for v in people:
        ok(store, "order", "accept", order, actor=f"volunteer:{v}")
    full = civicvol(store, "order", "accept", order, actor=f"volunteer:{people[0]}")
    assert full.exit_code != 0 and len(full.stderr.strip().splitlines()) == 1
    code = ok(store, "order", "start", order, actor=f"leader:{people[0]}").stdout.strip()
    ok(store, "order", "sign-in", order, "--code", code, actor=f"volunteer:{people[1]}")
    wrong = civicvol(store, "order", "sign-out", order, "--code", "nope",
                     actor=f"volunteer:{people[1]}")
    assert wrong.exit_code == 5 and "code" in wrong.stderr
    ok(store, "order", "sign-out", order, "--code", code, actor=f"volunteer:{people[1]}")
    closed = ok(store, "order", "close", order, "--attended", people[1],
                "--attended", f"{people[0]}=2", "--served", "6", actor=f"leader:{people[0]}")
    assert "2 volunteers" in closed.stdout
    shown_order = shown(store, "order", "show", order)
    assert shown_order["status"] == "completed" and shown_order["code"] is None
    assert set(shown_order["attendance"]) == set(people)
    ok(store, "volunteer", "add-hours", people[1], "--hours", "3", "--reason", "补录",
       actor=ADMIN)
    record = shown(store, "volunteer", "show", people[1])
    assert record["added_hours"] == "3"


def test_a_pool_and_the_deadline_process(store: str) -> None:
    teams = [created(store, "team", "create", "--name", n, "--kind", "special",
                     "--community", "金星社区") for n in ("甲队", "乙队")]
    volunteer = created(store, "volunteer", "register", "--name", "赵骑手", "--phone",
                        "13700137000", "--community", "金星社区")
    ok(store, "team", "join", teams[1], volunteer, actor=ADMIN)
    order = created(store, "order", "place", "--service", "助老", actor=RESIDENT)
    assert "2 teams" in ok(store, "order", "offer", order, "--community", "金星社区",
                           actor=DISPATCHER).stdout
    ok(store, "order", "claim", order, "--team", teams[1], actor=f"volunteer:{volunteer}")
    assert shown(store, "order", "show", order)["team_id"] == teams[1]
    ok(store, "district", "set", "accept_within_hours", "1", actor=ADMIN)
    fired = json.loads(ok(store, "deadlines", "run", "--once", "--json",
                          actor=ADMIN).stdout)
    assert fired == []  # dispatched just now: not due yet
    with closing(CivicVol(store)) as app:
        assert app.order(order).status.value == "dispatched"
    bad = civicvol(store, "district", "set", "accept_within_hours", "soon", actor=ADMIN)
    assert bad.exit_code == 2 and "whole number" in bad.stderr

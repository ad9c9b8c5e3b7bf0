"""The cycle's races for real, from OS processes each with its own application on the same
SQLite file or PostgreSQL schema: an activity asking for N volunteers gets exactly N however
many accept at once (the others are told it is full), and an order offered to a pool is
claimed by exactly one team (the others are told who took it)."""

from __future__ import annotations

import multiprocessing
import queue
from contextlib import closing
from typing import Any
from uuid import UUID

import pytest

from civicvol import Actor, CivicVol
from civicvol.domain.errors import CivicVolError
from tests.conftest import ADMIN, DISPATCHER, RESIDENT
from tests.cycle_world import build_cycle_world

ROUNDS = 3
WANTED = 2  # each activity asks for 2 of the 4 racing members
pytestmark = pytest.mark.slow


def act_each(store: str, actor: tuple[str, str], command: str, orders: list[str],
             team: str, barrier: Any, results: Any) -> None:
    """One process: make the command on every order, at the same moment as the rivals."""
    with closing(CivicVol(store)) as app:
        who = Actor(*actor)
        for order in orders:
            barrier.wait(timeout=120)
            try:
                if command == "accept":
                    app.accept_order(who, order)
                else:
                    app.claim_order(who, order, team)
                results.put((order, actor[1], "ok", ""))
            except CivicVolError as error:
                results.put((order, actor[1], type(error).__name__, str(error)))
            except Exception as error:  # reported to the test, which fails on it
                results.put((order, actor[1], f"unexpected {type(error).__name__}",
                             str(error)))


def race(store: str, racers: list[tuple[tuple[str, str], str, str]],
         orders: list[str]) -> dict[str, list[tuple[str, str, str]]]:
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(len(racers)), spawn.Queue()
    processes = [spawn.Process(target=act_each, args=(store, actor, command, orders, team,
                                                      barrier, results))
                 for actor, command, team in racers]
    for p in processes:
        p.start()
    outcomes: dict[str, list[tuple[str, str, str]]] = {o: [] for o in orders}
    received = 0
    while received < len(racers) * len(orders):
        try:
            order, who, outcome, message = results.get(timeout=2)
        except queue.Empty:
            crashed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            assert not crashed, f"a racing process crashed (exit codes {crashed})"
            continue
        outcomes[order].append((who, outcome, message))
        received += 1
    for p in processes:
        p.join(timeout=120)
        assert p.exitcode == 0
    return outcomes


def test_an_activity_gets_exactly_the_volunteers_it_asked_for(disk_url: str) -> None:
    with closing(CivicVol(disk_url)) as app:
        world = build_cycle_world(app)
        orders = [str(world.activity(WANTED)) for _ in range(ROUNDS)]
        racers = [(("volunteer", str(v)), "accept", "") for v in world.members[1:5]]
    outcomes = race(disk_url, racers, orders)
    with closing(CivicVol(disk_url)) as app:
        for order, results in outcomes.items():
            winners = sorted(who for who, outcome, _ in results if outcome == "ok")
            assert len(winners) == WANTED, results
            for _, outcome, message in results:
                assert outcome in ("ok", "ActivityFull"), message
            accepted = [str(e.volunteer_id) for e in app.events.get(UUID(order))
                        if type(e).__name__ == "Accepted"]
            assert sorted(accepted) == winners
            assert sorted(str(v) for v in app.order(order).volunteers) == winners
            assert app.order(order).status.value == "accepted"


def test_a_pooled_order_is_claimed_by_exactly_one_team(disk_url: str) -> None:
    with closing(CivicVol(disk_url)) as app:
        world = build_cycle_world(app)
        third = app.create_team(ADMIN, "留守儿童关爱队", "special", community="金星社区")
        helper = app.register_volunteer(ADMIN, "孙老师", "13600136000", "金星社区")
        app.join_team(ADMIN, third, helper)
        teams = [world.team, world.other_team, third]
        orders = []
        for _ in range(ROUNDS):
            order = app.place_order(RESIDENT, "助老")
            app.offer_order(DISPATCHER, order, teams)
            orders.append(str(order))
        racers = [(("volunteer", str(world.members[1])), "claim", str(world.team)),
                  (("volunteer", str(world.outsider)), "claim", str(world.other_team)),
                  (("volunteer", str(helper)), "claim", str(third))]
    outcomes = race(disk_url, racers, orders)
    with closing(CivicVol(disk_url)) as app:
        for order, results in outcomes.items():
            winners = [who for who, outcome, _ in results if outcome == "ok"]
            assert len(winners) == 1, results
            for _, outcome, message in results:
                # Whoever loaded it after the winner saved is told who took it; whoever
                # loaded it before collided with the winner's save.
                assert outcome in ("ok", "OrderAlreadyTaken", "ConcurrentChange"), message
            claimed = [e for e in app.events.get(UUID(order)) if type(e).__name__ == "Claimed"]
            assert len(claimed) == 1
            assert app.order(order).team_id == claimed[0].team_id

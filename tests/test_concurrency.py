"""Two volunteers of a team accept the same order at the same moment, from two OS processes,
each with its own application on the same store: exactly one wins, the other is told."""

from __future__ import annotations

import multiprocessing
import queue
from collections.abc import Sequence
from contextlib import closing
from pathlib import Path
from typing import Any
from uuid import UUID

import pytest

from civicvol import Actor, CivicVol
from civicvol.domain.errors import CivicVolError
from tests.world import build_world

ORDERS = 5  # races per test: one is easy to win by luck, five in a row is not


class RacingCivicVol(CivicVol):
    """Holds each decision to accept until the rival process has made its own, so both
    decide on the same state and their saves collide."""

    name = CivicVol.name  # the same tables as the application it races

    def __init__(self, store: str, barrier: Any) -> None:
        super().__init__(store)
        self.barrier = barrier

    def commit(self, command: str, actor: Actor, *aggregates: Any, **kwargs: Any) -> Any:
        if command == "order.accept":
            self.barrier.wait(timeout=60)
        return super().commit(command, actor, *aggregates, **kwargs)


def accept_each(store: str, volunteer: str, orders: Sequence[str], barrier: Any,
                decided_together: bool, results: Any) -> None:
    """One process: accept every order, firing at the same moment as the rival."""
    with closing(RacingCivicVol(store, barrier) if decided_together
                 else CivicVol(store)) as app:
        actor = Actor("volunteer", volunteer)
        for order in orders:
            if not decided_together:
                barrier.wait(timeout=60)
            try:
                app.accept_order(actor, order)
                results.put((order, volunteer, "accepted", ""))
            except CivicVolError as error:
                results.put((order, volunteer, type(error).__name__, str(error)))
            except Exception as error:  # reported to the test, which fails on it
                results.put((order, volunteer, f"unexpected {type(error).__name__}",
                             str(error)))


def race(store: str, *, decided_together: bool) -> dict[str, dict[str, tuple[str, str]]]:
    with closing(CivicVol(store)) as app:
        world = build_world(app)
        orders = [str(world.dispatched_order()) for _ in range(ORDERS)]
        rivals = [str(world.barber), str(world.helper)]
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    processes = [spawn.Process(target=accept_each,
                               args=(store, v, orders, barrier, decided_together, results))
                 for v in rivals]
    for p in processes:
        p.start()
    outcomes: dict[str, dict[str, tuple[str, str]]] = {o: {} for o in orders}
    received = 0
    while received < 2 * ORDERS:
        try:
            order, volunteer, outcome, message = results.get(timeout=2)
        except queue.Empty:
            crashed = [p.exitcode for p in processes if p.exitcode not in (None, 0)]
            assert not crashed, f"a racing process crashed (exit codes {crashed})"
            continue
        outcomes[order][volunteer] = (outcome, message)
        received += 1
    for p in processes:
        p.join(timeout=60)
        assert p.exitcode == 0
    check_one_winner(store, outcomes)
    return outcomes


def check_one_winner(store: str, outcomes: dict[str, dict[str, tuple[str, str]]]) -> None:
    with closing(CivicVol(store)) as app:
        for order, by in outcomes.items():
            winners = [v for v, (outcome, _) in by.items() if outcome == "accepted"]
            assert len(winners) == 1, by
            accepted = [e for e in app.events.get(UUID(order))
                        if type(e).__name__ == "Accepted"]
            assert len(accepted) == 1
            assert str(accepted[0].volunteer_id) == winners[0]
            assert str(app.order(order).volunteer_id) == winners[0]
            team = app.order(order).team_id
            assert team is not None
        for volunteer in {v for by in outcomes.values() for v in by}:
            won = sum(1 for by in outcomes.values() if by[volunteer][0] == "accepted")
            membership = app.membership(team, UUID(volunteer))
            assert membership is not None and membership.orders_taken == won


def losers(outcomes: dict[str, dict[str, tuple[str, str]]]) -> list[tuple[str, str]]:
    return [result for by in outcomes.values() for result in by.values()
            if result[0] != "accepted"]


@pytest.fixture
def shared_store(disk_url: str) -> str:
    """The store both processes open."""
    return disk_url


class TestTwoVolunteersAcceptTheSameOrder:
    def test_deciding_on_the_same_state_one_wins_and_the_other_is_told(
        self, shared_store: str
    ) -> None:
        outcomes = race(shared_store, decided_together=True)
        for outcome, message in losers(outcomes):
            assert outcome == "ConcurrentChange", message
            assert "someone changed the same record at the same moment" in message
            assert "retry" in message

    def test_firing_at_the_same_moment_one_wins_and_the_other_is_refused(
        self, shared_store: str
    ) -> None:
        # Whoever loads the order after the winner saved sees it taken; whoever loaded it
        # before collides with the winner's save. Both are clean refusals.
        outcomes = race(shared_store, decided_together=False)
        for outcome, message in losers(outcomes):
            assert outcome in ("ConcurrentChange", "OrderAlreadyAccepted"), message


def open_the_store(store: str, barrier: Any, results: Any) -> None:
    barrier.wait(timeout=60)
    try:
        CivicVol(store).close()
        results.put("opened")
    except Exception as error:  # reported to the test, which fails on it
        results.put(f"{type(error).__name__}: {error}")


class TestProcessesOpenAFreshStoreTogether:
    @pytest.mark.parametrize("round_", range(2))
    def test_every_process_opens_it(self, shared_store: str, round_: int) -> None:
        spawn = multiprocessing.get_context("spawn")
        barrier, results = spawn.Barrier(4), spawn.Queue()
        processes = [spawn.Process(target=open_the_store, args=(shared_store, barrier, results))
                     for _ in range(4)]
        for p in processes:
            p.start()
        for p in processes:
            p.join(timeout=120)
        assert sorted(results.get(timeout=5) for _ in processes) == ["opened"] * 4
        with closing(CivicVol(shared_store)) as app:
            assert app.event_count() == 0


class TestABusyStore:
    def test_a_writer_holding_the_lock_too_long_is_a_clean_refusal(
        self, tmp_path: Path
    ) -> None:
        import sqlite3

        from civicvol.domain.errors import ConcurrentChange, StoreBusy
        from tests.conftest import ADMIN

        path = tmp_path / "busy.db"
        with closing(CivicVol(f"sqlite:///{path}", env={"SQLITE_LOCK_TIMEOUT": "1"})) as app:
            app.create_team(ADMIN, "盘龙区志愿服务总队", "corps")
            other_writer = sqlite3.connect(path, isolation_level=None)
            other_writer.execute("BEGIN IMMEDIATE")
            try:
                with pytest.raises(StoreBusy) as caught:
                    app.create_team(ADMIN, "安全小红帽", "special")
            finally:
                other_writer.execute("ROLLBACK")
                other_writer.close()
            assert isinstance(caught.value, ConcurrentChange)
            assert "retry" in str(caught.value)
            assert app.event_count() == 1
            app.create_team(ADMIN, "安全小红帽", "special")
            assert app.event_count() == 2

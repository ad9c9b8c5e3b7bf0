"""The stale-decision race for real: one process dissolves teams while another dispatches
orders to them, 30 rounds on SQLite and PostgreSQL. A dispatch stored after the dissolve of
its team would be a decision on stale state: there must be none."""

from __future__ import annotations

import multiprocessing
from contextlib import closing, suppress
from typing import Any
from uuid import UUID

import pytest

from civicvol import CivicVol
from civicvol.domain.errors import CivicVolError
from civicvol.domain.service_order import ServiceOrder
from civicvol.domain.team import Team
from tests.conftest import ADMIN, DISPATCHER, RESIDENT

ROUNDS = 30
pytestmark = pytest.mark.slow


def dissolve_each(store: str, teams: list[str], barrier: Any) -> None:
    with closing(CivicVol(store)) as app:
        for team in teams:
            barrier.wait(timeout=60)
            app.dissolve_team(ADMIN, team, "合并")


def dispatch_each(store: str, pairs: list[tuple[str, str]], barrier: Any) -> None:
    with closing(CivicVol(store)) as app:
        for order, team in pairs:
            barrier.wait(timeout=60)
            # Dissolved first, or changed meanwhile: both are refusals, nothing stored.
            with suppress(CivicVolError):
                app.dispatch_order(DISPATCHER, order, team)


def test_no_dispatch_is_stored_after_its_team_was_dissolved(disk_url: str) -> None:
    with closing(CivicVol(disk_url)) as app:
        teams = [str(app.create_team(ADMIN, f"队{i}", "special")) for i in range(ROUNDS)]
        orders = [str(app.place_order(RESIDENT, "理发")) for _ in range(ROUNDS)]
    spawn = multiprocessing.get_context("spawn")
    barrier = spawn.Barrier(2)
    racers = [spawn.Process(target=dissolve_each, args=(disk_url, teams, barrier)),
              spawn.Process(target=dispatch_each,
                            args=(disk_url, list(zip(orders, teams, strict=True)), barrier))]
    for p in racers:
        p.start()
    for p in racers:
        p.join(timeout=300)
        assert p.exitcode == 0
    with closing(CivicVol(disk_url)) as app:
        dissolved: dict[UUID, int] = {}
        dispatched: dict[UUID, int] = {}
        for n in app.all_events():
            if n.topic.endswith("Team.Dissolved"):
                dissolved[n.originator_id] = n.id
            elif n.topic.endswith("ServiceOrder.Dispatched"):
                dispatched[n.originator_id] = n.id
        stale = [order for order in map(UUID, orders) if order in dispatched
                 and dispatched[order] > dissolved[app.load(ServiceOrder, order).team_id]]
        assert len(dissolved) == ROUNDS
        assert stale == []
        assert all(isinstance(app.load(Team, t), Team) for t in teams)

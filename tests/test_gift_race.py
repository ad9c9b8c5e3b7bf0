"""The last gift in stock, redeemed by two keepers for two volunteers at the same moment,
from two OS processes on one store (SQLite and PostgreSQL): exactly one gets it, the other
is told, and the stock never goes below zero."""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from contextlib import closing
from typing import Any

import pytest

from civicvol import Actor, CivicVol, Source
from civicvol.domain.errors import CivicVolError
from tests.conftest import ADMIN, POINTS_AUDITOR, STATION_KEEPER
from tests.world import build_world

ROUNDS = 5  # one race is easy to win by luck, five in a row is not
STATION = "蜂享驿站"
pytestmark = pytest.mark.slow


class RacingCivicVol(CivicVol):
    """Holds each redemption's save until the rival has decided its own, so both decide on
    a stock of one and their saves collide."""

    name = CivicVol.name

    def __init__(self, store: str, barrier: Any) -> None:
        super().__init__(store)
        self.barrier = barrier

    def commit(self, command: str, actor: Actor, *aggregates: Any, **kwargs: Any) -> Any:
        if command == "station.redeem":
            self.barrier.wait(timeout=60)
        return super().commit(command, actor, *aggregates, **kwargs)


def redeem_each(store: str, keeper: str, codes: Sequence[str], barrier: Any,
                results: Any) -> None:
    with closing(RacingCivicVol(store, barrier)) as app:
        for code in codes:
            try:
                app.redeem_code(Actor("station-keeper", keeper), STATION, code)
                results.put((code, "redeemed"))
            except CivicVolError as error:
                results.put((code, type(error).__name__))


def test_the_last_gift_goes_to_one_volunteer_only(disk_url: str) -> None:
    with closing(CivicVol(disk_url)) as app:
        world = build_world(app)
        for volunteer in (world.barber, world.helper):
            app.credit_points(ADMIN, volunteer, 10 * ROUNDS, Source("award", str(volunteer)))
            app.approve_points(POINTS_AUDITOR, volunteer)
        app.open_station(ADMIN, STATION, "金实社区")
        codes: list[tuple[str, str]] = []
        for n in range(ROUNDS):
            gift = f"洗衣液{n}"
            app.add_gift(ADMIN, STATION, gift, 10, 1)
            codes.append((app.issue_redemption_code(world.barber_actor, STATION, gift)[0],
                          app.issue_redemption_code(world.as_volunteer(world.helper), STATION,
                                                    gift)[0]))
    spawn = multiprocessing.get_context("spawn")
    barrier, results = spawn.Barrier(2), spawn.Queue()
    racers = [spawn.Process(target=redeem_each,
                            args=(disk_url, keeper, [pair[i] for pair in codes], barrier,
                                  results))
              for i, keeper in enumerate((STATION_KEEPER.id, "sk-2"))]
    for p in racers:
        p.start()
    outcomes = [results.get(timeout=300) for _ in range(2 * ROUNDS)]
    for p in racers:
        p.join(timeout=300)
        assert p.exitcode == 0
    by_code = dict(outcomes)
    for first, second in codes:
        assert sorted([by_code[first], by_code[second]]) == ["ConcurrentChange", "redeemed"]
    with closing(CivicVol(disk_url)) as app:
        assert [g.stock for g in app.catalogue(STATION)] == [0] * ROUNDS
        handed = [n for n in app.all_events() if n.topic.endswith("Station.HandedOut")]
        assert len(handed) == ROUNDS
        balances = [app.point_account(v).balance  # type: ignore[union-attr]
                    for v in (world.barber, world.helper)]
        assert sum(balances) == 2 * 10 * ROUNDS - 10 * ROUNDS

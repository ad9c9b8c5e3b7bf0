"""A demo run: the demo's start and end, recorded in the history it builds.

The demo imports a whole district through many transactions. If it is interrupted (killed,
out of disk), what it built so far is a consistent prefix, but a half-built district: the
run's ``Started`` without a ``Finished`` names it as such (``report`` and ``audit verify`` say
so), instead of a store that looks like a small, real district.
"""

from __future__ import annotations

from eventsourcing.domain import event

from civicvol.domain.base import CivicAggregate
from civicvol.domain.values import Actor


class DemoRun(CivicAggregate):
    @event("Started")
    def __init__(self, scale: float, seed: int, by: Actor) -> None:
        self.scale = scale
        self.seed = seed
        self.finished = False

    @event("Finished")
    def finish(self, by: Actor) -> None:
        self.finished = True

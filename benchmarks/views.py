"""The read side against the old way: the same questions on the same store, in one run.

    .venv/bin/python benchmarks/views.py [--scales 0.1,1.0] [--repeat 5]

For each scale a demo district is built into a fresh SQLite store (its views kept current as it
builds, as ``civicvol demo`` does), then each question is asked both ways: from the views, and
the way civicvol answered before the views (a fold over the whole log). It prints each ratio
(old / views: how many times faster), each view query's cost at every scale relative to the
smallest (cost independent of history: goal within 1.5x), the catch-up of the whole log from
position 1 against a bare read-and-decode of the same log (goal >= 0.5x), and the demo's pace
against bare eventsourcing saving the same number of events in batches (goal >= 0.6x).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

from eventsourcing.application import Application
from eventsourcing.domain import Aggregate, event
from rich.console import Console
from rich.table import Table

from civicvol import CivicVol
from civicvol.app.report import DistrictFigures, event_topic, fold_log, originator
from civicvol.app.views import district_report, fold_report
from civicvol.bootstrap import open_district
from civicvol.demo import build_panlong
from civicvol.domain.point_account import PointAccount
from civicvol.domain.service_order import ServiceOrder
from civicvol.domain.volunteer import Volunteer

console = Console()


def best(call: Callable[[], Any], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# --- the old way: folds over the whole log ---------------------------------------------------
def old_team_members(app: CivicVol, team: UUID) -> int:
    figures = DistrictFigures()
    topics = [t for t in figures.topics if ":Membership." in t or t.endswith(":Volunteer.Left")]
    fold_log(app.all_events(topics=topics), app.mapper, [figures])
    return figures.members_of(team)


def old_queue(app: CivicVol) -> list[UUID]:
    waiting: dict[UUID, None] = {}
    topics = [event_topic(ServiceOrder, n) for n in ("Placed", "Dispatched", "Declined",
                                                     "Cancelled")]
    for n in app.all_events(topics=topics):
        if n.topic.endswith((".Placed", ".Declined")):
            waiting[originator(n)] = None
        else:
            waiting.pop(originator(n), None)
    return list(waiting)


def old_phone_search(app: CivicVol, phone: str) -> list[UUID]:
    found = []
    topics = [event_topic(Volunteer, "Registered"), event_topic(Volunteer, "ContactUpdated")]
    for n in app.all_events(topics=topics):
        if app.mapper.to_domain_event(n).contact.phone == phone:
            found.append(originator(n))
    return found


def old_pending(app: CivicVol) -> int:
    pending: dict[tuple[UUID, str], int] = {}
    topics = [event_topic(PointAccount, n) for n in ("Credited", "Approved", "Rejected",
                                                     "Reversed")]
    for n in app.all_events(topics=topics):
        e = app.mapper.to_domain_event(n)
        if n.topic.endswith(".Credited") and not e.approved:
            pending[originator(n), e.entry_id] = e.points
        else:
            pending.pop((originator(n), e.entry_id), None)
    return len(pending)


def bare_read_and_decode(app: CivicVol) -> int:
    count = 0
    for n in app.all_events(page=2000):
        app.mapper.to_domain_event(n)
        count += 1
    return count


# --- bare eventsourcing saving events in batches ---------------------------------------------
class Thing(Aggregate):
    @event("Made")
    def __init__(self, name: str, place: str) -> None:
        self.name, self.place = name, place

    @event("Joined")
    def join(self, team: UUID) -> None:
        self.team = team


def bare_batched_saves(path: Path, events: int, batch: int = 5000) -> float:
    app = Application[UUID](env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                 "SQLITE_DBNAME": str(path)})
    team = uuid4()
    started = time.perf_counter()
    made = 0
    while made < events:
        things = []
        for i in range(min(batch, (events - made) // 2 or 1)):
            thing = Thing(name=f"志愿者{i}", place="东庄社区")
            thing.join(team)
            things.append(thing)
        app.save(*things)
        made += 2 * len(things)
    elapsed = time.perf_counter() - started
    app.close()
    return elapsed


def measure(scale: float, repeat: int, tmp: Path) -> dict[str, Any]:
    url = f"sqlite:///{tmp / f'demo-{scale}.db'}"
    app = open_district(url)
    started = time.perf_counter()
    build_panlong(app, scale=scale)
    app.views.catch_up()
    built = time.perf_counter() - started
    events = app.event_count()
    bare_save = bare_batched_saves(tmp / f"bare-{scale}.db", events)
    corps = UUID(app.views.teams.list(kind="corps")[0]["id"])
    phone = app.volunteer(UUID(app.views.volunteers.search(limit=1)[0]["id"])).contact.phone
    questions = {
        "report": (lambda: district_report(app),
                   lambda: fold_report(app, app.all_events())),
        "team show (the corps)": (lambda: app.views.memberships.serving_in(str(corps)),
                                  lambda: old_team_members(app, corps)),
        "order queue": (lambda: app.views.orders.queue(limit=50), lambda: old_queue(app)),
        "volunteer search --phone": (lambda: app.views.volunteers.search(phone=phone),
                                     lambda: old_phone_search(app, phone)),
        "points pending": (lambda: app.views.points.pending(limit=100),
                           lambda: old_pending(app)),
    }
    result: dict[str, Any] = {"events": events, "built": built, "bare_save": bare_save,
                              "queries": {}}
    for name, (new, old) in questions.items():
        result["queries"][name] = (best(new, repeat), best(old, max(1, repeat // 2)))
    bare = best(lambda: bare_read_and_decode(app), 1)
    catch_up = best(lambda: app.views.rebuild(), 1)
    result["catch_up"], result["bare_read"] = catch_up, bare
    app.close()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="0.1,1.0")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    scales = [float(s) for s in args.scales.split(",")]
    with tempfile.TemporaryDirectory(prefix="civicvol-views-") as tmp:
        results = {s: measure(s, args.repeat, Path(tmp)) for s in scales}
    smallest = results[scales[0]]
    for scale, r in results.items():
        table = Table(title=f"scale {scale}: {r['events']} events (SQLite)")
        for column in ("question", "views", "old way (log scan)", "old / views",
                       f"views vs scale {scales[0]}"):
            table.add_column(column, justify="right")
        for name, (new, old) in r["queries"].items():
            base = smallest["queries"][name][0]
            table.add_row(name, f"{new * 1000:.2f} ms", f"{old * 1000:.0f} ms",
                          f"{old / new:.0f}x", f"{new / base:.2f}x")
        console.print(table)
        console.print(f"catch-up from position 1: {r['catch_up']:.1f} s; bare read-and-decode "
                      f"{r['bare_read']:.1f} s; ratio bare / catch-up "
                      f"{r['bare_read'] / r['catch_up']:.2f} (goal >= 0.5)")
        console.print(f"demo with views kept: {r['built']:.1f} s; bare eventsourcing saving "
                      f"{r['events']} events in batches: {r['bare_save']:.1f} s; pace ratio "
                      f"{r['bare_save'] / r['built']:.2f} (goal >= 0.6)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""What does the audit hash chain cost? Writes with and without it; verification vs reading.

1. Writes: the same stored events (one per transaction, as a command stores them, and in
   batches of 500, as an import does) inserted straight into eventsourcing's plain
   application recorder and into civicvol's chained recorder, each on a fresh store; and the
   same civicvol commands (register one volunteer per transaction; register volunteers 500
   to a transaction, as the demo does) through an application with either recorder.
   Ratio = chained throughput / plain throughput (goal: 0.85 or more).
2. Verification: ``verify_store`` over the whole log (reads events and links, recomputes every
   hash) against a bare read-and-decode of the same log (``select_notifications`` pages, each
   event decoded to a domain event by the application's mapper). Ratio = bare time / verify
   time (goal: 0.7 or more).

Repetitions alternate which side runs first, so machine noise hits both alike; the median is
reported, as a wall-clock ratio and as a ratio of this process's CPU time (steadier on a busy
machine; for PostgreSQL it leaves out the server's own work).

    .venv/bin/python benchmarks/audit_chain.py [--events N] [--store sqlite|postgres]
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from eventsourcing.persistence import StoredEvent
from rich.console import Console
from rich.table import Table

from civicvol import Actor, CivicVol
from civicvol.audit.recorders import as_chained
from civicvol.audit.store_verification import verify_store

PLAIN_TOPICS = {
    "sqlite": "eventsourcing.sqlite:SQLiteApplicationRecorder",
    "postgres": "eventsourcing.postgres:PostgresApplicationRecorder",
}
ADMIN = Actor("administrator", "bench")


@dataclass
class Times:
    wall: float = 0.0
    cpu: float = 0.0


@contextmanager
def timed() -> Iterator[Times]:
    """Wall-clock and this process's CPU seconds of the block (filled in when it ends)."""
    times = Times()
    wall, cpu = time.perf_counter(), time.process_time()
    yield times
    times.wall, times.cpu = time.perf_counter() - wall, time.process_time() - cpu


@contextmanager
def fresh_store(kind: str) -> Iterator[str]:
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            yield f"sqlite:///{Path(folder) / 'bench.db'}"
        return
    import psycopg

    base = os.environ.get("CIVICVOL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    try:
        yield f"{base}?schema={schema}"
    finally:
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def open_app(url: str, kind: str, chained: bool) -> CivicVol:
    env = {} if chained else {"APPLICATION_RECORDER_TOPIC": PLAIN_TOPICS[kind]}
    return CivicVol(url, env=env)


def stored_events(count: int) -> list[StoredEvent]:
    state = os.urandom(180)  # about the size of a civicvol event's JSON
    return [StoredEvent(uuid.uuid4(), 1, "civicvol.domain.volunteer:Volunteer.Registered",
                        state) for _ in range(count)]


def time_inserts(kind: str, chained: bool, events: list[StoredEvent], batch: int) -> float:
    with fresh_store(kind) as url:
        app = open_app(url, kind, chained)
        try:
            gc.collect()
            with timed() as elapsed:
                for at in range(0, len(events), batch):
                    app.recorder.insert_events(events[at:at + batch])
            return elapsed
        finally:
            app.close()


def time_commands(kind: str, chained: bool, count: int) -> float:
    with fresh_store(kind) as url:
        app = open_app(url, kind, chained)
        try:
            gc.collect()
            with timed() as elapsed:
                for i in range(count):
                    app.register_volunteer(ADMIN, f"志愿者{i}", "13800138000", "东庄社区")
            return elapsed
        finally:
            app.close()


def time_bulk(kind: str, chained: bool, count: int) -> float:
    """Register volunteers 500 to a transaction through the application, as the demo does."""
    people = [(f"志愿者{i}", "13800138000", "东庄社区", ()) for i in range(count)]
    with fresh_store(kind) as url:
        app = open_app(url, kind, chained)
        try:
            gc.collect()
            with timed() as elapsed:
                for at in range(0, count, 500):
                    app.register_volunteers(ADMIN, people[at:at + 500])
            return elapsed
        finally:
            app.close()


def paired(reps: int, plain: Callable[[], Times], chained: Callable[[], Times]
           ) -> tuple[Times, Times]:
    """Median wall and CPU times of each side, running first in turn."""
    plains: list[Times] = []
    chaineds: list[Times] = []
    for rep in range(reps):
        order = [(plains, plain), (chaineds, chained)]
        for times, run in (order if rep % 2 == 0 else order[::-1]):
            times.append(run())
    return (Times(statistics.median(t.wall for t in plains),
                  statistics.median(t.cpu for t in plains)),
            Times(statistics.median(t.wall for t in chaineds),
                  statistics.median(t.cpu for t in chaineds)))


def row(table: Table, what: str, count: int, unit: str, plain: Times, chained: Times,
        goal: str) -> None:
    table.add_row(what, f"{count / plain.wall:,.0f} {unit}", f"{count / chained.wall:,.0f} {unit}",
                  f"{plain.wall / chained.wall:.2f}", f"{plain.cpu / chained.cpu:.2f}", goal)


def bare_read(app: CivicVol, page: int = 2000) -> int:
    count, after = 0, 0
    while True:
        notifications = app.recorder.select_notifications(after, page, inclusive_of_start=False)
        if not notifications:
            return count
        for notification in notifications:
            app.mapper.to_domain_event(notification)
            count += 1
        after = notifications[-1].id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--commands", type=int, default=1500)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    kind, events = args.store, stored_events(args.events)
    table = Table(title=f"audit chain on {kind}")
    for column in ("workload", "plain", "chained", "ratio (wall)", "ratio (CPU)", "goal"):
        table.add_column(column)

    for batch, what in ((1, "one event per transaction"), (500, "500 events per transaction")):
        size = min(len(events), 3000) if batch == 1 else len(events)
        plain, chained = paired(args.reps, lambda b=batch, n=size: time_inserts(
            kind, False, events[:n], b), lambda b=batch, n=size: time_inserts(
            kind, True, events[:n], b))
        row(table, f"insert, {what}", size, "ev/s", plain, chained, ">= 0.85")
    plain, chained = paired(args.reps, lambda: time_commands(kind, False, args.commands),
                            lambda: time_commands(kind, True, args.commands))
    row(table, "register_volunteer commands", args.commands, "cmd/s", plain, chained, ">= 0.85")
    plain, chained = paired(args.reps, lambda: time_bulk(kind, False, args.events),
                            lambda: time_bulk(kind, True, args.events))
    row(table, "register_volunteers, 500 a transaction", args.events, "ev/s", plain, chained,
        ">= 0.85")

    with fresh_store(kind) as url:
        app = CivicVol(url)
        try:
            app.register_volunteers(ADMIN, [(f"志愿者{i}", "13800138000", "东庄社区", ())
                                            for i in range(args.events)])
            recorder = as_chained(app.recorder)
            bares: list[Times] = []
            verifies: list[Times] = []
            for rep in range(args.reps):
                for side in ((0, 1) if rep % 2 == 0 else (1, 0)):
                    gc.collect()
                    with timed() as elapsed:
                        if side == 0:
                            assert bare_read(app) == args.events
                        else:
                            assert verify_store(recorder).intact
                    (bares if side == 0 else verifies).append(elapsed)
            bare = Times(statistics.median(t.wall for t in bares),
                         statistics.median(t.cpu for t in bares))
            verify = Times(statistics.median(t.wall for t in verifies),
                           statistics.median(t.cpu for t in verifies))
            # Here the ratio is bare time / verify time: above 1 means verify is faster.
            row(table, "verify vs bare read-and-decode", args.events, "ev/s", bare, verify,
                ">= 0.7")
        finally:
            app.close()
    Console(width=130).print(table)


if __name__ == "__main__":
    main()

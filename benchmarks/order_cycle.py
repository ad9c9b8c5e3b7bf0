"""How much does civicvol's application cost over bare eventsourcing? The order cycle, timed.

Runs the full order cycle (register volunteers, create a team, join them, then for every
order: place, dispatch, accept, complete with a points credit, rate; then approve every
volunteer's points) through :class:`civicvol.CivicVol`, and the same writes through a bare
``eventsourcing.application.Application`` with plain aggregates (``benchmarks/bare.py``):
same events, same aggregates loaded and saved per step, same transactions, same kind of store.
Repetitions alternate which side runs first, each on a fresh store, so machine noise hits both
alike. Prints each side's throughput and the ratio civicvol / bare (the goal is 0.8 or more).
``--lean`` adds a third side: the bare application with the two shortcuts civicvol takes
around eventsourcing's runtime-protocol checks, which isolates the cost of civicvol's own work.

    .venv/bin/python benchmarks/order_cycle.py [--orders N] [--store sqlite|memory|postgres]
                                               [--repeat N] [--lean]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

# benchmarks/ is not a package: import bare.py from beside this script.
sys.path.insert(0, str(Path(__file__).resolve().parent))

import bare

from civicvol import Actor, CivicVol
from civicvol.store import prepare_store, store_environment

ADMIN = Actor("administrator", "bench")
DISPATCHER = Actor("dispatcher", "bench")
AUDITOR = Actor("points-auditor", "bench")
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def civicvol_cycle(app: CivicVol, orders: int, volunteers: int,
                   after_order: Callable[[], Any] | None = None) -> None:
    """The benchmark's cycle through civicvol's commands (``after_order``: e.g. a query)."""
    vids = [app.register_volunteer(ADMIN, f"志愿者{i}", f"138{i:08d}", "东庄社区")
            for i in range(volunteers)]
    team = app.create_team(ADMIN, "学雷锋志愿理发队", "special", community="东庄社区")
    for vid in vids:
        app.join_team(ADMIN, team, vid)
    for n in range(orders):
        resident = Actor("resident", f"r-{n}")
        volunteer = Actor("volunteer", str(vids[n % volunteers]))
        order = app.place_order(resident, "理发", place="东庄社区 3 栋",
                                beneficiaries=["elderly"])
        app.dispatch_order(DISPATCHER, order, team)
        app.accept_order(volunteer, order)
        app.complete_order(volunteer, order, Decimal("1.5"), served=1)
        app.rate_order(resident, order, 5, "师傅手艺好")
        if after_order is not None:
            after_order()
    for vid in vids[:orders]:  # the volunteers who served an order have points to approve
        app.approve_points(AUDITOR, vid)


@contextmanager
def fresh_store(kind: str, folder: Path) -> Iterator[str]:
    """A store URL that nothing has written to yet, removed afterwards where it matters."""
    if kind == "memory":
        yield "memory://"
    elif kind == "sqlite":
        path = folder / f"{uuid.uuid4().hex}.db"
        yield f"sqlite:///{path}"
        for extra in ("", "-wal", "-shm"):
            Path(f"{path}{extra}").unlink(missing_ok=True)
    else:
        import psycopg

        schema = f"bench_{uuid.uuid4().hex[:12]}"
        yield f"{PG_URL}?schema={schema}"
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def time_civicvol(url: str, orders: int, volunteers: int) -> tuple[float, int]:
    app = CivicVol(url)
    try:
        return _timed(lambda: civicvol_cycle(app, orders, volunteers)), app.event_count()
    finally:
        app.close()


def time_civicvol_with_views(url: str, orders: int, volunteers: int) -> tuple[float, int]:
    """civicvol keeping its views current: after each order, the views catch up (as a
    dispatcher's next query would make them)."""
    app = CivicVol(url)
    try:
        return _timed(lambda: civicvol_cycle(app, orders, volunteers,
                                             lambda: app.views.catch_up())), app.event_count()
    finally:
        app.close()


def time_bare(url: str, orders: int, volunteers: int,
              kind: type[bare.BareApp] = bare.BareApp) -> tuple[float, int]:
    env = store_environment(url)
    prepare_store(env)
    app = kind(env=env)
    try:
        seconds = _timed(lambda: bare.run_cycle(app, orders, volunteers))
        return seconds, int(app.recorder.max_notification_id() or 0)
    finally:
        app.close()


def time_lean_bare(url: str, orders: int, volunteers: int) -> tuple[float, int]:
    return time_bare(url, orders, volunteers, bare.LeanBareApp)


def _timed(work: Callable[[], Any]) -> float:
    gc.collect()
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=500, help="orders per repetition")
    parser.add_argument("--volunteers", type=int, default=20, help="volunteers serving them")
    parser.add_argument("--store", choices=["sqlite", "memory", "postgres"], default="sqlite")
    parser.add_argument("--repeat", type=int, default=6,
                        help="repetitions of each side (alternating which runs first)")
    parser.add_argument("--lean", action="store_true",
                        help="also run the bare side with civicvol's two shortcuts around "
                             "eventsourcing's protocol checks, to see civicvol's own cost")
    parser.add_argument("--views", action="store_true",
                        help="also run civicvol keeping its views current after every order")
    args = parser.parse_args(argv)
    if args.orders < 1 or args.volunteers < 1 or args.repeat < 1:
        parser.error("--orders, --volunteers and --repeat must be at least 1")

    sides = {"civicvol": time_civicvol, "bare eventsourcing": time_bare}
    if args.lean:
        sides["bare, lean"] = time_lean_bare
    if args.views:
        sides["civicvol + views"] = time_civicvol_with_views
    seconds: dict[str, list[float]] = {name: [] for name in sides}
    events: dict[str, int] = {}
    console = Console()
    with tempfile.TemporaryDirectory(prefix="civicvol-bench-") as tmp:
        for rep in range(args.repeat):
            names = list(sides)  # each repetition starts with the next side, in turn
            order = names[rep % len(names):] + names[:rep % len(names)]
            for name in order:
                with fresh_store(args.store, Path(tmp)) as url:
                    took, count = sides[name](url, args.orders, args.volunteers)
                seconds[name].append(took)
                events[name] = count
            console.print(f"repetition {rep + 1}/{args.repeat}: " + ", ".join(
                f"{name} {seconds[name][-1]:.2f} s" for name in sides), style="dim")

    if len(set(events.values())) != 1:
        console.print(f"[red]the two sides stored different numbers of events: {events}[/red]")
        return 1
    table = Table(title=f"order cycle, {args.store} store, {args.orders} orders, "
                        f"{args.volunteers} volunteers, {args.repeat} repetitions (medians)")
    for column in ("side", "seconds", "orders/s", "events/s"):
        table.add_column(column, justify="left" if column == "side" else "right")
    median = {name: statistics.median(s) for name, s in seconds.items()}
    for name in sides:
        table.add_row(name, f"{median[name]:.3f}", f"{args.orders / median[name]:,.0f}",
                      f"{events[name] / median[name]:,.0f}")
    console.print(table)
    pairs = [("civicvol", other) for other in sides if other not in ("civicvol",
                                                                         "civicvol + views")]
    if args.views:
        pairs.append(("civicvol + views", "bare eventsourcing"))
    for ours, other in pairs:
        # The ratio of each repetition's pair, so that a slow moment of the machine cancels out.
        ratios = [b / c for c, b in zip(seconds[ours], seconds[other], strict=True)]
        ratio = statistics.median(ratios)
        verdict = "[green]meets[/green]" if ratio >= 0.8 else "[red]misses[/red]"
        console.print(f"throughput ratio {ours} / {other}: {ratio:.2f} (median of "
                      f"{len(ratios)} pairs, range {min(ratios):.2f}-{max(ratios):.2f}); "
                      f"{verdict} the goal of 0.8")
    console.print(f"{events['civicvol']:,} events per side")
    return 0


if __name__ == "__main__":
    sys.exit(main())

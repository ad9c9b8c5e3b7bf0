"""What does erasure that sticks cost? An erasure with the key wiped from the files, against
the same erasure that only deletes the key row (the yardstick, measured in the same run).

A store of N volunteers is built once per store kind; then erasures alternate between the
two sides (so machine noise hits both alike): "plain" deletes the key (secure_delete is on
for the delete either way), "wiped" also runs the scrub (SQLite: a WAL
checkpoint(TRUNCATE); PostgreSQL: VACUUM FULL of the keys table). Each erasure is timed
alone; the medians and their ratio (wiped / plain: how many times slower) are printed.

    .venv/bin/python benchmarks/erasure.py [--volunteers N] [--erasures K] [--store sqlite|postgres]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
import uuid
from contextlib import closing
from pathlib import Path

from civicvol import Actor, CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.audit.privacy import PersonalKeys

ADMIN = Actor("administrator", "bench")
PG = "postgresql://postgres@127.0.0.1:5432/test"


def store_url(kind: str, folder: Path) -> tuple[str, str]:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'erasure.db'}", ""
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    return f"{PG}?schema={schema}", schema


def measure(kind: str, volunteers: int, erasures: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as folder:
        url, schema = store_url(kind, Path(folder))
        try:
            with closing(CivicVol(url)) as app:
                ids: list[uuid.UUID] = []
                for start in range(0, volunteers, 5000):
                    ids += app.register_volunteers(ADMIN, [
                        (f"王{i}", f"138{i:08d}", "东庄", ())
                        for i in range(start, min(volunteers, start + 5000))])
                scrub = PersonalKeys.scrub
                times: dict[str, list[float]] = {"plain": [], "wiped": []}
                for n, volunteer in enumerate(ids[:2 * erasures]):
                    side = "wiped" if n % 2 else "plain"
                    if side == "plain":
                        PersonalKeys.scrub = lambda self: None  # type: ignore[method-assign]
                    began = time.perf_counter()
                    erase_volunteer(app, ADMIN, volunteer, "bench")
                    times[side].append(time.perf_counter() - began)
                    PersonalKeys.scrub = scrub  # type: ignore[method-assign]
        finally:
            if schema:
                import psycopg

                with psycopg.connect(PG, autocommit=True) as conn:
                    conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    return statistics.median(times["plain"]), statistics.median(times["wiped"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--volunteers", type=int, default=20_000)
    parser.add_argument("--erasures", type=int, default=10)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    args = parser.parse_args()
    plain, wiped = measure(args.store, args.volunteers, args.erasures)
    print(f"{args.store}, {args.volunteers} volunteers, {args.erasures} erasures a side: "
          f"median erasure plain {plain * 1000:.1f} ms, wiped {wiped * 1000:.1f} ms")
    print(f"ratio wiped / plain: {wiped / plain:.2f}")


if __name__ == "__main__":
    main()

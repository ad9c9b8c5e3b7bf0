"""Does a roster import keep up with registering the same people in bulk?

For N people (default 153,523, the district's registered volunteers), in one run:

- yardstick: ``app.register_volunteers`` in batches of 1,000 (one transaction each) inside
  ``app.bulk_import()``, the way a script that already has checked rows would do it;
- ``import_volunteers`` from an .xlsx file (read through python-calamine, its report written
  through XlsxWriter) and from a UTF-8 .csv file of the same people, with the same batch
  size: reading the file, mapping the headers, checking every row, looking every phone up in
  the directory, writing the report beside it.

Each side gets a fresh SQLite store in a temporary folder; sides alternate order across
repetitions and the median is reported. Ratio = import throughput / yardstick throughput
(goal: 0.8 or more). Writing the input files is not timed. ``--national-numbers`` gives
every person a national volunteer number (a 全国志愿者编号 column, and the fifth item of
``register_volunteers``'s people), which both sides then check for duplicates.

    .venv/bin/python benchmarks/import.py [--rows N] [--repeat R] [--national-numbers]
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from openpyxl import Workbook

from civicvol import Actor, CivicVol
from civicvol.office import import_volunteers

ADMIN = Actor("administrator", "bench")
HEADER = ["姓名", "手机号", "社区", "技能", "全国志愿者编号"]
BATCH = 1000
Person = tuple[str, str, str, list[str], str]


def people(n: int, national_numbers: bool = False) -> list[Person]:
    return [(f"志愿者{i}", f"1{3 + i % 7}{i:09d}", f"社区{i % 120}",
             ["理发", "按摩"] if i % 3 == 0 else [],
             f"5301{i:010d}" if national_numbers else "") for i in range(n)]


def write_files(folder: Path, rows: list[Person]) -> tuple[Path, Path]:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("名单")
    sheet.append(HEADER)
    for name, phone, community, skills, number in rows:
        sheet.append([name, phone, community, "、".join(skills), number])
    xlsx = folder / "roster.xlsx"
    book.save(xlsx)
    csv_path = folder / "roster.csv"
    with csv_path.open("w", newline="", encoding="utf-8-sig") as out:
        writer = csv.writer(out)
        writer.writerow(HEADER)
        writer.writerows([n, p, c, "、".join(s), g] for n, p, c, s, g in rows)
    return xlsx, csv_path


def cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def timed(folder: Path, name: str, run: Callable[[CivicVol], object]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (steadier on a shared machine), this process's and those of
    the children it waited for (a large .xlsx report is written by one)."""
    app = CivicVol(f"sqlite:///{folder / (name + '.db')}")
    try:
        start, cpu = time.perf_counter(), cpu_seconds()
        run(app)
        return time.perf_counter() - start, cpu_seconds() - cpu
    finally:
        app.close()
        (folder / (name + ".db")).unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=153_523)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--national-numbers", action="store_true",
                        help="give everyone a national volunteer number")
    args = parser.parse_args()
    rows = people(args.rows, args.national_numbers)

    def bulk(app: CivicVol) -> None:
        with app.bulk_import():
            for start in range(0, len(rows), BATCH):
                app.register_volunteers(ADMIN, rows[start:start + BATCH])

    with tempfile.TemporaryDirectory(prefix="civicvol-import-") as name:
        folder = Path(name)
        xlsx, csv_path = write_files(folder, rows)
        sides: dict[str, Callable[[CivicVol], object]] = {
            "register_volunteers": bulk,
            "import .xlsx": lambda app: import_volunteers(app, ADMIN, xlsx, batch_size=BATCH),
            "import .csv": lambda app: import_volunteers(app, ADMIN, csv_path,
                                                         batch_size=BATCH),
        }
        times: dict[str, list[tuple[float, float]]] = {side: [] for side in sides}
        for repetition in range(args.repeat):
            order = list(sides)
            if repetition % 2:
                order.reverse()
            for side in order:
                times[side].append(timed(folder, side.replace(" ", "_"), sides[side]))
    wall = {side: statistics.median(t[0] for t in ts) for side, ts in times.items()}
    cpu = {side: statistics.median(t[1] for t in ts) for side, ts in times.items()}
    numbers = ", each with a national volunteer number" if args.national_numbers else ""
    print(f"{args.rows} people{numbers}, batches of {BATCH}, median of {args.repeat} (SQLite)")
    for side in times:
        print(f"{side:22} {args.rows / wall[side]:9.0f} rows/s   ratio "
              f"{wall['register_volunteers'] / wall[side]:.2f}   CPU-time ratio "
              f"{cpu['register_volunteers'] / cpu[side]:.2f}")


if __name__ == "__main__":
    main()

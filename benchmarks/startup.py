"""How long does ``civicvol`` take to start? Each command against two yardsticks.

Every case is a fresh interpreter started from this process, timed wall-clock from spawn to
exit; the cases run interleaved, round after round, and each reports its median. The
yardsticks are measured in the same run:

* ``python -c pass``: the interpreter alone (goal: ``--version`` and ``--help`` within 10x);
* ``python -c "import eventsourcing.application"``: the floor any event-sourced command line
  pays before it reads a store (goal: a read command within 2x, plus its own work).

The read command is ``volunteer show`` on a small SQLite store made first (10 volunteers).

    .venv/bin/python benchmarks/startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
CIVICVOL = [PYTHON, "-c", "from civicvol.cli import main; main()"]


def small_store(directory: Path) -> tuple[str, str]:
    """A SQLite store with 10 volunteers; its URL and one volunteer's id."""
    from civicvol import Actor, open_district

    url = f"sqlite:///{directory / 'small.db'}"
    app = open_district(url)
    admin = Actor("administrator", "bench")
    ids = [app.register_volunteer(admin, f"志愿者{i}", f"1390000{i:04d}", "东庄社区", ())
           for i in range(10)]
    app.close()
    return url, str(ids[0])


def cases(url: str, volunteer_id: str) -> dict[str, list[str]]:
    return {
        "python -c pass": [PYTHON, "-c", "pass"],
        "import eventsourcing.application": [PYTHON, "-c", "import eventsourcing.application"],
        "import civicvol": [PYTHON, "-c", "import civicvol"],
        "civicvol --version": [*CIVICVOL, "--version"],
        "civicvol --help": [*CIVICVOL, "--help"],
        "civicvol plugins --json": [*CIVICVOL, "plugins", "--json"],
        "civicvol volunteer show (read)": [*CIVICVOL, "--store", url, "volunteer", "show",
                                           volunteer_id, "--json"],
    }


def run(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    with tempfile.TemporaryDirectory() as tmp:
        todo = cases(*small_store(Path(tmp)))
        for command in todo.values():  # warm the file cache and the bytecode
            run(command)
        times: dict[str, list[float]] = {name: [] for name in todo}
        for _ in range(rounds):
            for name, command in todo.items():
                times[name].append(run(command))
    median = {name: statistics.median(t) for name, t in times.items()}
    bare, floor = median["python -c pass"], median["import eventsourcing.application"]
    print(f"start-up, median of {rounds} rounds (ratios; the seconds vary with the machine)")
    print(f"{'case':34} {'x python -c pass':>17} {'x eventsourcing floor':>22}")
    for name, seconds in median.items():
        print(f"{name:34} {seconds / bare:17.1f} {seconds / floor:22.2f}")


if __name__ == "__main__":
    main()

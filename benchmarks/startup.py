"""How long does ``civicvol`` take to start? Each command against two yardsticks.

Every case is a fresh interpreter started from this process, timed wall-clock from spawn to
exit; the cases run interleaved, round after round, and each reports its median. The
yardsticks are measured in the same run:

* ``python -c pass``: the interpreter alone (goal: ``--version`` and ``--help`` within 10x);
* ``python -c "import eventsourcing.application"``: the floor any event-sourced command line
  pays before it reads a store (goal: a read command within 2x, plus its own work).

The read command is ``volunteer show --json`` on a small SQLite store made first (10
volunteers). Its own work (opening the store, reading the record and the views, printing) is
measured in the same run too: the same command run again inside one warm process, where every
import is done. The goal reads: read command <= 2 x floor + own work.

civicvol's modules are byte-compiled first, as ``pip install`` does for an installed
package (eventsourcing's already are): this environment sets PYTHONDONTWRITEBYTECODE, and an
editable install would otherwise compile civicvol's source afresh at every start.

    .venv/bin/python benchmarks/startup.py [--rounds N]
"""

from __future__ import annotations

import argparse
import compileall
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
        # What the brief's own stack costs before civicvol's code: the floor plus attrs,
        # click, pluggy and cryptography's AES (the libraries every civicvol read needs).
        "import the stack": [PYTHON, "-c", STACK],
        "import civicvol": [PYTHON, "-c", "import civicvol"],
        "civicvol --version": [*CIVICVOL, "--version"],
        "civicvol --help": [*CIVICVOL, "--help"],
        "civicvol plugins --json": [*CIVICVOL, "plugins", "--json"],
        "civicvol volunteer show (read)": [*CIVICVOL, "--store", url, "volunteer", "show",
                                           volunteer_id, "--json"],
    }


STACK = ("import eventsourcing.application, attrs, click, pluggy, sqlite3, "
         "cryptography.hazmat.primitives.ciphers.aead")
OWN_WORK = """
import contextlib, io, statistics, sys, time
from civicvol.cli import cli
args = {args!r}

def once():
    with contextlib.redirect_stdout(io.StringIO()):
        cli.main(args, prog_name="civicvol", standalone_mode=False)

once()  # every import done
times = []
for _ in range(9):
    start = time.perf_counter()
    once()
    times.append(time.perf_counter() - start)
print(statistics.median(times))
"""


def own_work(args: list[str]) -> float:
    """The read command's median time inside one warm process (imports excluded)."""
    done = subprocess.run([PYTHON, "-c", OWN_WORK.format(args=args)], check=True,
                          capture_output=True, text=True)
    return float(done.stdout.split()[-1])


def run(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                   env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    rounds = parser.parse_args().rounds
    import civicvol

    compileall.compile_dir(Path(civicvol.__file__).parent, quiet=1)  # as pip install does
    with tempfile.TemporaryDirectory() as tmp:
        todo = cases(*small_store(Path(tmp)))
        read = todo["civicvol volunteer show (read)"]
        work = own_work(read[read.index("--store"):])
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
    start = median["civicvol volunteer show (read)"] - work
    stack = median["import the stack"]
    print(f"the read command's own work, in a warm process: {work / floor:.2f} x floor; "
          f"the rest, its start: {start / floor:.2f} x floor (goal: 2.00 or less), "
          f"{start / stack:.2f} x the stack")


if __name__ == "__main__":
    main()

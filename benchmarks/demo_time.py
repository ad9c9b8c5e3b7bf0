"""Time ``civicvol demo`` as a user runs it: a fresh SQLite store, the installed command.

    .venv/bin/python benchmarks/demo_time.py [--scale 1.0] [--store-dir /tmp]

Prints the wall-clock time, the CPU time of the command, and the demo's own split between
building the district and computing its report. The target at full scale is under 60 s on
a 2-core machine.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rich.console import Console
from rich.table import Table


def civicvol_command() -> str:
    beside = Path(sys.executable).with_name("civicvol")
    found = str(beside) if beside.exists() else shutil.which("civicvol")
    if not found:
        sys.exit("the civicvol command is not installed; pip install -e . first")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--store-dir", default=None, help="where the SQLite file goes")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="civicvol-demo-", dir=args.store_dir) as tmp:
        store = f"sqlite:///{Path(tmp) / 'demo.db'}"
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([civicvol_command(), "--store", store, "demo",
                               "--scale", str(args.scale)],
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return done.returncode
    lines = done.stdout.strip().splitlines()
    split = next((line for line in reversed(lines) if line.startswith("built in")), "")
    events = next((line.rsplit(",", 1)[-1].strip() for line in lines
                   if line.startswith("District report")), "?")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    table = Table(title=f"civicvol demo --scale {args.scale} (fresh SQLite store)")
    for column in ("wall clock", "CPU (user+sys)", "events", "the demo's own split"):
        table.add_column(column)
    table.add_row(f"{wall:.1f} s", f"{cpu:.1f} s", events, split or "-")
    Console().print(table)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The benchmark scripts still run (they measure; they are not pass/fail on timings)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def test_the_order_cycle_benchmark_runs_every_side_to_the_same_events() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "order_cycle.py"), "--orders", "3",
         "--volunteers", "2", "--repeat", "3", "--store", "memory", "--lean", "--views"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "200"},  # rich wraps long lines at 80 otherwise
    )
    assert done.returncode == 0, done.stderr + done.stdout
    # Every side ran and stored the same events (the script fails otherwise).
    assert "throughput ratio civicvol / bare eventsourcing" in done.stdout
    assert "throughput ratio civicvol / bare, lean" in done.stdout
    assert "throughput ratio civicvol + views / bare eventsourcing" in done.stdout


def test_the_startup_benchmark_reports_every_case_as_ratios() -> None:
    done = subprocess.run([sys.executable, str(BENCHMARKS / "startup.py"), "--rounds", "1"],
                          capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    for case in ("civicvol --version", "civicvol --help", "civicvol plugins --json",
                 "civicvol volunteer show (read)", "import civicvol", "import the stack"):
        assert case in done.stdout
    assert "x eventsourcing floor" in done.stdout
    assert "own work, in a warm process" in done.stdout


def test_the_views_benchmark_asks_every_question_both_ways() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "views.py"), "--scales", "0.002,0.004",
         "--repeat", "1"], capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr + done.stdout
    for question in ("report", "team show (the corps)", "order queue",
                     "volunteer search --phone", "points pending"):
        assert question in done.stdout
    assert "ratio bare / catch-up" in done.stdout and "pace ratio" in done.stdout


def test_the_erasure_benchmark_runs_and_prints_its_ratio() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCHMARKS / "erasure.py"), "--volunteers", "20", "--erasures",
         "2", "--store", "sqlite"],
        capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    assert "ratio wiped / plain:" in done.stdout

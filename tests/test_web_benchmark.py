"""benchmarks/web.py still runs, at a tiny scale: it measures, and fails only on server
errors, lost orders or a broken chain (never on timings)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "web.py"


@pytest.mark.slow
def test_the_web_benchmark_loses_nothing_and_prints_the_ratio() -> None:
    done = subprocess.run([sys.executable, str(SCRIPT), "--clients", "2", "--seconds", "2",
                           "--volunteers", "2"], capture_output=True, text=True, timeout=180,
                          check=False)
    assert done.returncode == 0, done.stderr + done.stdout
    assert '"lost orders": 0' in done.stdout and '"server errors": 0' in done.stdout
    assert "throughput ratio web / Python API" in done.stdout

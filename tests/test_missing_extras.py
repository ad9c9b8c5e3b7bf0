"""Without an optional extra (office, web), its commands refuse in one line naming the extra to
install, and write nothing: the libraries are hidden from a fresh process here."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from civicvol import Actor, CivicVol

PROGRAM = """
import sys
for name in sys.argv[1].split(","):
    sys.modules[name] = None  # as if not installed: importing it raises ImportError
sys.argv = ["civicvol", *sys.argv[2:]]
from civicvol.cli import main
main()
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('extra') / 'd.db'}"
    app = CivicVol(url)
    app.register_volunteer(Actor("administrator", "a"), "李师傅", "13800138000", "东庄社区")
    app.place_order(Actor("resident", "r-1"), "理发")  # something for the report to chart
    app.close()
    return url


def without(hidden: str, store: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PROGRAM, hidden, "--store", store, *args],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "CIVICVOL_LANG": "en"})


@pytest.mark.parametrize(("hidden", "command", "written"), [
    ("matplotlib", ("report", "--html", "{tmp}/r.html"), "r.html"),
    ("xlsxwriter", ("export", "volunteers", "--out", "{tmp}/v.xlsx"), "v.xlsx"),
    ("python_calamine", ("--as", "administrator:a", "volunteer", "import", "{tmp}/in.xlsx"),
     "in.report.xlsx"),
])
def test_a_missing_library_is_a_plain_refusal(store: str, tmp_path: Path, hidden: str,
                                              command: tuple[str, ...], written: str) -> None:
    (tmp_path / "in.xlsx").write_bytes(b"PK\x03\x04 not read: the reader is missing")
    done = without(hidden, store, *(part.format(tmp=tmp_path) for part in command))
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert f"({hidden} is missing)" in line and "pip install 'civicvol[office]'" in line
    assert not (tmp_path / written).exists()


def test_serving_without_the_web_extra_is_a_plain_refusal(store: str) -> None:
    done = without("uvicorn", store, "serve", "--port", "1")
    assert done.returncode == 2, done.stderr
    (line,) = done.stderr.strip().splitlines()
    assert "(uvicorn is missing)" in line and "pip install 'civicvol[web]'" in line

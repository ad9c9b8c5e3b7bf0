"""A large .xlsx import report is written by a forked child while the batches save: the same
file as written in-process, put in place only when every batch saved."""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any

import pytest

from civicvol import CivicVol
from civicvol.office import import_volunteers, report_aside, roster
from civicvol.office.outcome import report_path
from tests.conftest import ADMIN
from tests.office_files import HEADER, people, write_xlsx
from tests.office_files import read_xlsx as read_book


def read_xlsx(path: Path) -> list[tuple[object, ...]]:
    (rows,) = read_book(path).values()
    return rows


@pytest.fixture
def writers(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Lower the threshold so 30 rows fork, and record the pid of whoever wrote the part
    (the patch is inherited by the forked child)."""
    monkeypatch.setattr(report_aside, "MIN_ROWS", 10)
    # Earlier tests of the suite may leave a thread behind (a server's, a follower's), which
    # would make the import write in-process: count only this test's own threads.
    alive = threading.active_count()
    monkeypatch.setattr(report_aside, "_other_threads",
                        lambda: threading.active_count() - alive)
    pids = tmp_path / "writers.txt"
    original = report_aside._write_part

    def recording(part: Path, sheet: Any) -> None:
        with pids.open("a") as out:
            out.write(f"{os.getpid()}\n")
        original(part, sheet)

    monkeypatch.setattr(report_aside, "_write_part", recording)
    return pids


def fresh(tmp_path: Path, name: str) -> CivicVol:
    return CivicVol(f"sqlite:///{tmp_path / name}")


def test_the_child_writes_the_same_report_as_this_process_would(
        tmp_path: Path, writers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    rows = people(30)
    aside = write_xlsx(tmp_path / "a" / "roster.xlsx", HEADER, rows)
    here = write_xlsx(tmp_path / "b" / "roster.xlsx", HEADER, rows)
    app = fresh(tmp_path, "a.db")
    try:
        done = import_volunteers(app, ADMIN, aside, batch_size=7)
    finally:
        app.close()
    assert done.imported == 30
    assert [int(p) for p in writers.read_text().split()] != [os.getpid()]  # a child wrote it
    monkeypatch.setattr(report_aside, "MIN_ROWS", 10**9)  # now in this process
    app = fresh(tmp_path, "b.db")
    try:
        import_volunteers(app, ADMIN, here, batch_size=7)
    finally:
        app.close()
    by_child, by_us = read_xlsx(report_path(aside)), read_xlsx(report_path(here))
    ids = {r.volunteer_id for r in done.rows}
    assert [row[-1] for row in by_child[1:]] == [r.volunteer_id for r in done.rows]
    assert len(ids) == 30
    # the same cells but for the new ids, which differ between the two stores
    assert [row[:-1] for row in by_child] == [row[:-1] for row in by_us]
    assert not list((tmp_path / "a").glob(".*.writing"))


def test_a_failed_save_leaves_no_report_and_no_part_and_says_nothing_was_imported(
        tmp_path: Path, writers: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", HEADER, people(30))
    saving = roster._save

    def failing(app: CivicVol, *args: Any) -> None:
        saving(app, *args)
        raise OSError("the disk is full")

    monkeypatch.setattr(roster, "_save", failing)
    app = fresh(tmp_path, "c.db")
    try:
        with pytest.raises(OSError, match="the disk is full"):
            import_volunteers(app, ADMIN, path, batch_size=7)
    finally:
        app.close()
    assert not report_path(path).exists()
    assert not list(tmp_path.glob(".*.writing"))


def test_with_another_thread_running_the_report_is_written_here(
        tmp_path: Path, writers: Path) -> None:
    path = write_xlsx(tmp_path / "roster.xlsx", HEADER, people(30))
    stop = threading.Event()
    other = threading.Thread(target=stop.wait, args=(30,))
    other.start()
    app = fresh(tmp_path, "d.db")
    try:
        assert import_volunteers(app, ADMIN, path).imported == 30
    finally:
        stop.set()
        other.join()
        app.close()
    assert not writers.exists()  # no child: the in-process writer does not record
    assert len(read_xlsx(report_path(path))) == 31


def test_when_the_child_fails_this_process_writes_the_report(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report_aside, "MIN_ROWS", 10)

    def broken(part: Path, sheet: Any) -> None:
        raise OSError("no space left in the child")

    monkeypatch.setattr(report_aside, "_write_part", broken)
    path = write_xlsx(tmp_path / "roster.xlsx", HEADER, people(30))
    app = fresh(tmp_path, "e.db")
    try:
        assert import_volunteers(app, ADMIN, path).imported == 30
    finally:
        app.close()
    assert len(read_xlsx(report_path(path))) == 31
    assert not list(tmp_path.glob(".*.writing"))

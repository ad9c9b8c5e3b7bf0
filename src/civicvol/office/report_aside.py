"""The .xlsx report of a large import, written by a second process while the batches save.

Once the rows are checked, the report of a successful import is known whole (every row's
result and new id), and writing it is pure XlsxWriter work: about 4-5 microseconds a cell, a
quarter of a 153,523-row import's time. A forked child writes it to a file of its own beside
the input while this process saves the batches, so on a machine with a core to spare the two
overlap. Only when the saves all succeed is the file put in the report's place; if saving
fails, the child's file is thrown away and nothing claims rows were imported.

Forking is used only where it is safe and cheap: a POSIX system, a process with no other
threads (a web server's import is written in-process), and a report large enough to gain.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from pathlib import Path

from civicvol.office.outcome import ImportReport, report_path, report_sheet, write_report
from civicvol.office.sheets import Sheet, Table, file_format, write_sheets

MIN_ROWS = 5_000  # below this, forking costs more than it saves


class ReportAside:
    """Started before the batches save; :meth:`finish` after they all did, :meth:`abandon`
    when one failed."""

    def __init__(self, report: ImportReport, table: Table) -> None:
        self.report, self.table = report, table
        self.target = report_path(report.source)
        self.part = self.target.with_name(f".{self.target.name}.writing")
        self._child: multiprocessing.process.BaseProcess | None = None
        if _worth_forking(self.target, len(table.rows)):
            # The child builds the sheet too: a fork shares the report and the table, so
            # neither is copied, and this process goes straight to saving.
            context = multiprocessing.get_context("fork")
            self._child = context.Process(target=_child, args=(self.part, report, table),
                                          daemon=True, name="civicvol-import-report")
            self._child.start()

    def finish(self) -> Path:
        """The report in its place: the child's file when it wrote one, else written here."""
        child, self._child = self._child, None
        if child is not None:
            child.join()
            if child.exitcode == 0 and self.part.is_file():
                os.replace(self.part, self.target)
                self.report.report_path = self.target
                return self.target
            self.part.unlink(missing_ok=True)  # it failed: write it here, with its error
        return write_report(self.report, self.table)

    def abandon(self) -> None:
        child, self._child = self._child, None
        if child is not None:
            child.terminate()
            child.join()
        self.part.unlink(missing_ok=True)


def _worth_forking(target: Path, rows: int) -> bool:
    return (rows >= MIN_ROWS and file_format(target) == "xlsx"
            and "fork" in multiprocessing.get_all_start_methods()
            and _other_threads() == 0)


def _other_threads() -> int:
    """Threads besides this one: forking while they hold a lock could hang the child."""
    return threading.active_count() - 1


def _child(part: Path, report: ImportReport, table: Table) -> None:
    try:
        _write_part(part, report_sheet(report, table))
    except BaseException:  # quietly: the parent writes the report itself, and says why
        sys.exit(1)


def _write_part(part: Path, sheet: Sheet) -> None:
    write_sheets(part, [sheet], kind="xlsx")

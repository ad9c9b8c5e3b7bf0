"""What an import did with each row, and the report written beside the input file."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import attrs

from civicvol.i18n import N_, _
from civicvol.office.headers import HEADERS, REPORT_FIELDS, normal
from civicvol.office.sheets import Sheet, Table, write_sheets

IMPORTED = "imported"
WOULD_IMPORT = "would import"  # a dry run's good row
ALREADY = "already registered"  # or, for a team, already a member
BAD = "bad"
NOT_IMPORTED = "not imported"  # a good row held back because others were bad
RESULTS = {IMPORTED: N_("imported"), WOULD_IMPORT: N_("would import"),
           ALREADY: N_("already registered"), BAD: N_("bad"),
           NOT_IMPORTED: N_("not imported")}
MEMBER_RESULTS = {**RESULTS, IMPORTED: N_("joined"), WOULD_IMPORT: N_("would join"),
                  ALREADY: N_("already a member")}


@attrs.define
class RowOutcome:
    row: int  # as Excel numbers it (the header is row 1)
    result: str
    column: str = ""  # the header of the column at fault, as the file wrote it
    reason: str = ""
    volunteer_id: str = ""


@attrs.define
class ImportReport:
    """Every row's outcome, the columns that name nothing (ignored), and where the report
    file was written."""

    source: Path
    rows: list[RowOutcome]
    unknown_columns: list[str]
    notes: list[str] = attrs.field(factory=list)  # columns recognised but not kept
    report_path: Path | None = None
    dry_run: bool = False

    @property
    def counts(self) -> dict[str, int]:
        return dict(Counter(r.result for r in self.rows))

    @property
    def bad(self) -> list[RowOutcome]:
        return [r for r in self.rows if r.result == BAD]

    @property
    def imported(self) -> int:
        return self.counts.get(IMPORTED, 0)


def report_path(source: Path) -> Path:
    """Where the report of ``source`` goes: beside it, ``name.report.xlsx`` (or ``.csv``)."""
    return source.with_name(f"{source.stem}.report{source.suffix}")


def report_sheet(report: ImportReport, table: Table, *, results: dict[str, str] = RESULTS,
                 ids_are_ours: bool = True) -> Sheet:
    """The input's own columns and cells, then each row's result, the column at fault and the
    reason: the office fixes the bad rows in it and imports it again (its extra columns are
    known, so they are not reported as unknown)."""
    own = {normal(h) for names in REPORT_FIELDS.values() for h in names}
    if ids_are_ours:  # a roster's report adds the new ids; a membership list has its own
        own |= {normal(h) for h in HEADERS["volunteer_id"]}
    keep = [i for i, h in enumerate(table.headers) if normal(h) not in own]
    by_row = {r.row: r for r in report.rows}
    headers = [table.headers[i] for i in keep] + [
        _("import result"), _("problem column"), _("reason"), _("volunteer id")]
    said = {code: _(text) for code, text in results.items()}  # once, not once a row
    rows = []
    for number, cells in table.rows:
        outcome = by_row.get(number)
        if outcome is None:
            continue
        rows.append([cells[i] if i < len(cells) else "" for i in keep] + [
            said[outcome.result], outcome.column, outcome.reason, outcome.volunteer_id])
    return Sheet(_("import report"), headers, rows)


def write_report(report: ImportReport, table: Table, *,
                 results: dict[str, str] = RESULTS, ids_are_ours: bool = True) -> Path:
    """Write the report (:func:`report_sheet`) beside the input."""
    target = report_path(report.source)
    write_sheets(target, [report_sheet(report, table, results=results,
                                       ids_are_ours=ids_are_ours)],
                 encoding=table.encoding or "utf-8")
    report.report_path = target
    return target

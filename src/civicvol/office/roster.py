"""Bringing a roster in: spreadsheet rows → checked registrations → batches of volunteers.

Each row is checked by the rules of ``volunteer register`` themselves: the row becomes a
:class:`~civicvol.domain.volunteer.Volunteer` by ``Volunteer.register`` (the domain's checks of
name, phone, community, skills and national volunteer number), and neither its phone nor its
national volunteer number may be on a serving volunteer's record (the directory's blind index,
asked for a whole roster at once instead of a row at a time, as
:meth:`~civicvol.app.application.CivicVol.check_phone_is_free` does for one). The good rows
are saved in batches, each one transaction through the application's unit of work (the
extensions' decision hooks included), so a crash leaves whole batches; the people of a stored
batch are "already registered" when the file is imported again, which completes the import.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import UUID

from civicvol.app.application import CivicVol, parse_id
from civicvol.app.authorization import authorize
from civicvol.app.boundary import checked
from civicvol.domain.errors import CivicVolError, InvalidInput
from civicvol.domain.membership import Membership
from civicvol.domain.team import Team
from civicvol.domain.values import Actor, check_name, check_national_number, check_phone
from civicvol.domain.volunteer import Volunteer, check_skills
from civicvol.i18n import N_, _, ngettext
from civicvol.office.errors import RosterHasBadRows, SheetError
from civicvol.office.headers import HEADERS, map_headers, split_skills
from civicvol.office.outcome import (
    ALREADY,
    BAD,
    IMPORTED,
    NOT_IMPORTED,
    WOULD_IMPORT,
    ImportReport,
    RowOutcome,
    report_path,
    write_report,
)
from civicvol.office.report_aside import ReportAside
from civicvol.office.sheets import Table, as_path, check_writable, read_table

BATCH = 1000
REQUIRED = ("name", "phone", "community")
Progress = Callable[[int, int], None]


@checked
def import_volunteers(
    app: CivicVol, actor: Actor, path: Path | str, *, team: UUID | str | None = None,
    sheet: str | None = None, encoding: str | None = None, dry_run: bool = False,
    skip_bad: bool = False, batch_size: int = BATCH, progress: Progress | None = None,
) -> ImportReport:
    """Register the roster's people (and make them members of ``team`` or of their row's
    team). All or nothing unless ``skip_bad``: with a bad row, nothing is stored and
    :class:`RosterHasBadRows` carries the report. The report is written beside the file
    either way. ``progress(done, total)`` is called after each stored batch."""
    authorize(actor, "volunteer.register")
    path = as_path(path)
    check_batch_size(batch_size)
    table = read_table(path, sheet=sheet, encoding=encoding)
    fields, unknown = map_headers(table.headers)
    missing = [f for f in REQUIRED if f not in fields]
    if missing:
        raise SheetError(
            _("{file} has no column for {fields}; its first row must name them, e.g. "
              "{examples}; it has {headers}").format(
              file=path.name, fields=", ".join(missing),
              examples=", ".join(f"{HEADERS[f][0]} ({HEADERS[f][-1]})" for f in missing),
              headers=", ".join(map(str, table.headers))))
    check_writable(report_path(path))  # the report must be written: refuse now, not after
    report = ImportReport(path, [], unknown, dry_run=dry_run)
    teams = _Teams(app, actor, team)
    with _kept_from_the_collector() as built:
        checked = _check_rows(app, actor, table, fields, teams, report)
        built()
        return _store(app, actor, table, report, checked, teams, skip_bad=skip_bad,
                      dry_run=dry_run, batch_size=batch_size, progress=progress)


def _store(app: CivicVol, actor: Actor, table: Table, report: ImportReport,
           checked: Checked, teams: _Teams, *, skip_bad: bool, dry_run: bool,
           batch_size: int, progress: Progress | None) -> ImportReport:
    """All or nothing (unless ``skip_bad``): the checked rows in batches, then the report."""
    bad = report.bad
    if bad and not skip_bad:
        for outcome in report.rows:
            if outcome.result == WOULD_IMPORT:
                outcome.result = NOT_IMPORTED
        write_report(report, table)
        raise RosterHasBadRows(refusal(report, len(table.rows)), report)
    if dry_run:
        write_report(report, table)
        return report
    before = [(outcome, outcome.result) for outcome, _v, _t in checked]
    for outcome, volunteer, _team in checked:  # what the report says once the saves succeed
        outcome.result, outcome.volunteer_id = IMPORTED, str(volunteer.id)
    aside = ReportAside(report, table)  # a large .xlsx report is written while they save
    try:
        _save(app, actor, checked, teams, batch_size, progress)
    except BaseException:
        aside.abandon()
        for outcome, result in before:
            outcome.result, outcome.volunteer_id = result, ""
        raise
    aside.finish()
    return report


def check_batch_size(batch_size: object) -> None:
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise InvalidInput(_("batch size {batch_size!r} is not a whole number of rows of at "
                             "least 1").format(batch_size=batch_size))


def refusal(report: ImportReport, total: int) -> str:
    """The message of a roster refused for its bad rows: how many, the first three, where the
    report is."""
    first = _("; ").join(
        (_("row {row}, {column}: {reason}") if r.column else _("row {row}: {reason}")).format(
            row=r.row, column=r.column, reason=r.reason) for r in report.bad[:3])
    left = len(report.bad) - 3
    more = ngettext(" (and {n} more)", " (and {n} more)", left).format(n=left) if left > 0 \
        else ""
    # counted by the rows of the file: "1 of 1 row is bad", "1 of 2 rows are bad"
    return ngettext(
        "{bad} of {total} row is bad, so nothing was imported: {first}{more}; the report "
        "{report} lists them all: fix them there and import it again, or import only the "
        "good rows",
        "{bad} of {total} rows are bad, so nothing was imported: {first}{more}; the report "
        "{report} lists them all: fix them there and import it again, or import only the "
        "good rows", total).format(bad=len(report.bad), total=total, first=first, more=more,
                                   report=report.report_path)


Checked = list[tuple[RowOutcome, Volunteer, Team | None]]


def _check_rows(app: CivicVol, actor: Actor, table: Table, fields: dict[str, int],
                teams: _Teams, report: ImportReport) -> Checked:
    checked: Checked = []
    seen: dict[str, int] = {}
    seen_national: dict[str, int] = {}
    header = {f: table.headers[i] for f, i in fields.items()}
    for number, cells in table.rows:
        cell = {f: cells[i] if i < len(cells) else "" for f, i in fields.items()}
        outcome = RowOutcome(number, WOULD_IMPORT)
        report.rows.append(outcome)
        try:
            volunteer = Volunteer.register(cell["name"], cell["phone"], cell["community"],
                                           by=actor, skills=split_skills(cell.get("skills", "")),
                                           national_number=cell.get("national_number", ""))
            row_team = teams.of_row(cell.get("team", ""))
        except CivicVolError as error:
            outcome.result, outcome.reason = BAD, str(error)
            outcome.column = header.get(_column_at_fault(cell, teams), "")
            continue
        phone = volunteer.contact.phone
        if phone in seen:
            outcome.result, outcome.column = BAD, header["phone"]
            outcome.reason = _("the same phone as row {row}; one person, one row").format(
                row=seen[phone])
            continue
        national = volunteer.contact.national_number
        if national and national in seen_national:
            outcome.result, outcome.column = BAD, header["national_number"]
            outcome.reason = _("the same national volunteer number as row {row}; one person, "
                               "one row").format(row=seen_national[national])
            continue
        seen[phone] = number
        if national:
            seen_national[national] = number
        checked.append((outcome, volunteer, row_team))
    registered = app.views.volunteers.with_phones(list(seen))
    numbered = app.views.volunteers.with_national_numbers(list(seen_national)) \
        if seen_national else {}
    kept: Checked = []
    for outcome, volunteer, row_team in checked:
        serving = [v for v in registered.get(volunteer.contact.phone, [])
                   if v["status"] != "left"]
        national = volunteer.contact.national_number
        same_number = [v for v in numbered.get(national, []) if v["status"] != "left"]
        if serving:  # one person, one registration (as check_phone_is_free says)
            outcome.result, outcome.volunteer_id = ALREADY, serving[0]["id"]
            outcome.reason = _("phone {phone} is registered to volunteer {id} already; "
                               "nothing was changed").format(phone=volunteer.contact.phone,
                                                             id=serving[0]["id"])
        elif same_number:  # the same person by the national number, with another phone
            outcome.result, outcome.volunteer_id = ALREADY, same_number[0]["id"]
            outcome.reason = _("national volunteer number {number} is registered to volunteer "
                               "{id} already; nothing was changed").format(
                               number=national, id=same_number[0]["id"])
        else:
            kept.append((outcome, volunteer, row_team))
    return kept


def _column_at_fault(cell: dict[str, str], teams: _Teams) -> str:
    """Which field a refused row is refused for: the domain's own checks, one at a time."""
    checks: list[tuple[str, Callable[[], Any]]] = [
        ("name", lambda: check_name(cell["name"], N_("volunteer's name"))),
        ("phone", lambda: check_phone(cell["phone"])),
        ("community", lambda: check_name(cell["community"], N_("community"))),
        ("skills", lambda: check_skills(split_skills(cell.get("skills", "")))),
        ("team", lambda: teams.of_row(cell.get("team", ""))),
        ("national_number", lambda: check_national_number(cell.get("national_number", ""))),
    ]
    for field, check in checks:
        try:
            check()
        except CivicVolError:
            return field
    return ""


class _Teams:
    """The team every row joins (``team``), or each row's own team by id or name."""

    def __init__(self, app: CivicVol, actor: Actor, team: UUID | str | None) -> None:
        self.app, self.actor = app, actor
        self.default = self._usable(app.team(team)) if team is not None else None
        self._by_name: dict[str, list[str]] | None = None
        self._loaded: dict[str, Team] = {}

    def _usable(self, team: Team) -> Team:
        authorize(self.actor, "team.join")
        self.app.check_leads(self.actor, team)
        team.check_is_not_dissolved()
        return team

    def of_row(self, cell: str) -> Team | None:
        if not cell.strip():
            return self.default
        text = cell.strip()
        if self._by_name is None:
            self._by_name = {}
            for t in self.app.views.teams.list(include_dissolved=False):
                self._by_name.setdefault(t["name"], []).append(t["id"])
        ids = self._by_name.get(text, [])
        if len(ids) > 1:
            raise SheetError(ngettext("{n} team is named {name!r}; give the team's id instead",
                                      "{n} teams are named {name!r}; give the team's id "
                                      "instead", len(ids)).format(n=len(ids), name=text))
        ident = ids[0] if ids else str(parse_id(text, "team")) if _looks_like_id(text) else ""
        if not ident:
            raise SheetError(_("no team is named {name!r}; give the name or the id of a team "
                               "that is not dissolved").format(name=text))
        if ident not in self._loaded:
            self._loaded[ident] = self._usable(self.app.team(ident))
        return self._loaded[ident]


def _looks_like_id(text: str) -> bool:
    try:
        UUID(text)
    except ValueError:
        return False
    return True


@contextmanager
def _kept_from_the_collector() -> Iterator[Callable[[], None]]:
    """A roster's checked volunteers live until the last batch is saved (153,523 of them, a
    dozen objects each), and Python's cyclic collector would scan them all again and again
    for nothing (a third of the import's time beyond the registrations' own). Building them
    makes no cycles to collect, so the collector is off while the rows are checked; then
    ``built()`` freezes what was built (leaves it out of the passes) and turns the collector
    back on for the saving and the report. Process-wide, but it changes only what a pass
    looks at; a freeze that was there before (a server's, say) is left as it was."""
    enabled, ours = gc.isenabled(), gc.get_freeze_count() == 0
    gc.disable()

    def built() -> None:
        if ours:
            gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield built
    finally:
        if ours:
            gc.unfreeze()
        if enabled:
            gc.enable()


def _save(app: CivicVol, actor: Actor, checked: Checked, teams: _Teams, batch_size: int,
          progress: Progress | None) -> None:
    """One transaction a batch: its volunteers and their memberships, all or none."""
    total = len(checked)
    with app.bulk_import():
        for start in range(0, total, batch_size):
            batch = checked[start:start + batch_size]
            volunteers = [v for _o, v, _t in batch]
            members = [Membership(team_id=t.id, volunteer_id=v.id, by=actor)
                       for _o, v, t in batch if t is not None]
            joined = list({t.id: t for _o, _v, t in batch if t is not None}.values())
            if members:
                app.commit("volunteer.register", actor, *volunteers, *members, reads=joined)
            else:
                app.commit("volunteer.register", actor, *volunteers)
            if progress is not None:
                progress(start + len(batch), total)

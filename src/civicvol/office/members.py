"""Bringing a team's members in from a spreadsheet: each row names a registered volunteer by
their phone (found through the directory's blind index) or their volunteer id.

The rules are those of ``team join``: the actor leads the team (or administers), the team is
not dissolved, the volunteer is active; a former member rejoins. A volunteer who is a member
already is reported as such, so importing the same list again joins nobody twice. Batches are
transactions, as for a roster (:mod:`civicvol.office.roster`).
"""

from __future__ import annotations

from contextlib import suppress
from pathlib import Path
from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.app.authorization import authorize
from civicvol.app.boundary import checked
from civicvol.domain.errors import CivicVolError, VolunteerNotFound
from civicvol.domain.membership import Membership
from civicvol.domain.values import Actor, check_phone
from civicvol.domain.volunteer import Volunteer
from civicvol.i18n import _
from civicvol.office.errors import RosterHasBadRows, SheetError
from civicvol.office.headers import HEADERS, map_headers
from civicvol.office.outcome import (
    ALREADY,
    BAD,
    IMPORTED,
    MEMBER_RESULTS,
    NOT_IMPORTED,
    WOULD_IMPORT,
    ImportReport,
    RowOutcome,
    report_path,
    write_report,
)
from civicvol.office.roster import BATCH, Progress, check_batch_size, refusal
from civicvol.office.sheets import as_path, check_writable, read_table

Joining = list[tuple[RowOutcome, Volunteer, Membership | None]]


@checked
def import_memberships(
    app: CivicVol, actor: Actor, path: Path | str, *, team: UUID | str,
    sheet: str | None = None, encoding: str | None = None, dry_run: bool = False,
    skip_bad: bool = False, batch_size: int = BATCH, progress: Progress | None = None,
) -> ImportReport:
    """Make the listed volunteers members of ``team`` (see the module notes); all or nothing
    unless ``skip_bad`` (:class:`RosterHasBadRows` carries the report)."""
    authorize(actor, "team.join")
    found_team = app.team(team)
    app.check_leads(actor, found_team)
    found_team.check_is_not_dissolved()
    path = as_path(path)
    check_batch_size(batch_size)
    table = read_table(path, sheet=sheet, encoding=encoding)
    fields, unknown = map_headers(table.headers)
    if "phone" not in fields and "volunteer_id" not in fields:
        raise SheetError(
            _("{file} has neither a {phone_zh} ({phone_en}) nor a {id_zh} ({id_en}) column; "
              "its first row must name one; it has {headers}").format(
              file=path.name, phone_zh=HEADERS["phone"][0], phone_en=HEADERS["phone"][-1],
              id_zh=HEADERS["volunteer_id"][0], id_en=HEADERS["volunteer_id"][-1],
              headers=", ".join(map(str, table.headers))))
    check_writable(report_path(path))  # the report must be written: refuse now, not after
    report = ImportReport(path, [], unknown, dry_run=dry_run)
    header = {f: table.headers[i] for f, i in fields.items()}
    cells = [(n, {f: row[i] if i < len(row) else "" for f, i in fields.items()})
             for n, row in table.rows]
    phones = []
    for _n, cell in cells:
        with suppress(CivicVolError):  # a bad phone is reported with its row below
            phones.append(check_phone(cell.get("phone", "")))
    by_phone = app.views.volunteers.with_phones(phones) if phones else {}
    joining: Joining = []
    seen: dict[UUID, int] = {}
    for number, cell in cells:
        outcome = RowOutcome(number, WOULD_IMPORT)
        report.rows.append(outcome)
        try:
            volunteer = _volunteer(app, cell, by_phone)
            volunteer.check_is_active()
        except CivicVolError as error:
            outcome.result, outcome.reason = BAD, str(error)
            outcome.column = header.get("volunteer_id" if cell.get("volunteer_id") else
                                        "phone", "")
            continue
        outcome.volunteer_id = str(volunteer.id)
        if volunteer.id in seen:
            outcome.result, outcome.reason = BAD, f"the same volunteer as row " \
                                                  f"{seen[volunteer.id]}; one person, one row"
            continue
        seen[volunteer.id] = number
        membership = app.membership(found_team.id, volunteer.id)
        if membership is not None and membership.active:
            outcome.result = ALREADY
            outcome.reason = f"volunteer {volunteer.id} is a member of the team already"
            continue
        joining.append((outcome, volunteer, membership))
    if report.bad and not skip_bad:
        for outcome in report.rows:
            if outcome.result == WOULD_IMPORT:
                outcome.result = NOT_IMPORTED
        write_report(report, table, results=MEMBER_RESULTS, ids_are_ours=False)
        raise RosterHasBadRows(refusal(report, len(table.rows)), report)
    if not dry_run:
        with app.bulk_import():
            for start in range(0, len(joining), batch_size):
                batch = joining[start:start + batch_size]
                members = []
                for _o, volunteer, membership in batch:
                    if membership is None:
                        membership = Membership(team_id=found_team.id,
                                                volunteer_id=volunteer.id, by=actor)
                    else:
                        membership.rejoin(by=actor)
                    members.append(membership)
                app.commit("team.join", actor, *members,
                           reads=[found_team, *(v for _o, v, _m in batch)])
                if progress is not None:
                    progress(start + len(batch), len(joining))
        for outcome, _v, _m in joining:
            outcome.result = IMPORTED
    write_report(report, table, results=MEMBER_RESULTS, ids_are_ours=False)
    return report


def _volunteer(app: CivicVol, cell: dict[str, str],
               by_phone: dict[str, list[dict[str, object]]]) -> Volunteer:
    if cell.get("volunteer_id", "").strip():
        return app.volunteer(cell["volunteer_id"])
    phone = check_phone(cell.get("phone", ""))
    found = [v for v in by_phone.get(phone, []) if v["status"] != "left"]
    if not found:
        raise VolunteerNotFound(_("no serving volunteer has phone {phone}; register them "
                                  "first (a roster import does it)").format(phone=phone))
    return app.volunteer(str(found[0]["id"]))

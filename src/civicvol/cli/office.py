"""civicvol volunteer import, team import, export: the office's spreadsheets (civicvol.office)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import click

from civicvol.cli.context import session, writes
from civicvol.cli.teams import team
from civicvol.cli.volunteers import volunteer
from civicvol.i18n import _


def _import_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed([
        click.argument("file", type=click.Path(dir_okay=False, path_type=Path)),
        click.option("--sheet", default=None, metavar="NAME",
                     help=_("The sheet of an .xlsx file to read (default: the first).")),
        click.option("--dry-run", is_flag=True,
                     help=_("Check every row and write the report; store nothing.")),
        click.option("--skip-bad", is_flag=True,
                     help=_("Import the good rows even when some are bad.")),
        click.option("--encoding", type=click.Choice(["utf-8", "gb18030"]), default=None,
                     help=_("Of a .csv file (default: UTF-8, else GB18030, found out).")),
    ]):
        command = option(command)
    return command


@contextmanager
def _progress(label: str) -> Iterator[Callable[[int, int], None]]:
    """A progress bar on stderr, shown only when stderr is a terminal."""
    if not sys.stderr.isatty():
        yield lambda done, total: None
        return
    with click.progressbar(length=1, label=label, file=sys.stderr) as bar:
        def advance(done: int, total: int) -> None:
            bar.length = total
            bar.update(done - bar.pos)
        yield advance


def _finish(report: Any, dry_run: bool) -> None:
    from civicvol.office.outcome import ALREADY, BAD, IMPORTED, WOULD_IMPORT

    counts = report.counts
    if report.unknown_columns:
        click.echo(_("columns ignored (not in the header table): {columns}").format(
            columns=", ".join(report.unknown_columns)), err=True)
    for note in report.notes:
        click.echo(note, err=True)
    click.echo(_("{imported} imported, {already} already there, {bad} bad; report: {path}")
               .format(imported=counts.get(WOULD_IMPORT if dry_run else IMPORTED, 0),
                       already=counts.get(ALREADY, 0), bad=counts.get(BAD, 0),
                       path=report.report_path))
    if dry_run:
        click.echo(_("dry run: nothing was stored"), err=True)


@contextmanager
def _hinted() -> Iterator[None]:
    """The API's refusal of a roster with bad rows, with the CLI's own hint."""
    from civicvol.office.errors import RosterHasBadRows

    try:
        yield
    except RosterHasBadRows as error:
        raise RosterHasBadRows(_("{error} (--skip-bad)").format(error=error),
                               error.report) from None


@writes
@volunteer.command("import")
@_import_options
@click.option("--team", "team_id", default=None, metavar="TEAM_ID",
              help=_("Make every imported volunteer a member of this team."))
def import_roster(file: Path, sheet: str | None, dry_run: bool, skip_bad: bool,
                  encoding: str | None, team_id: str | None) -> None:
    """Register the volunteers of a roster (.xlsx or .csv) (administrator)."""
    from civicvol.office import import_volunteers

    s = session()
    with _hinted(), _progress(_("registering")) as progress:
        report = import_volunteers(s.app, s.actor, file, team=team_id, sheet=sheet,
                                   encoding=encoding, dry_run=dry_run, skip_bad=skip_bad,
                                   progress=progress)
    _finish(report, dry_run)


@writes
@team.command("import")
@_import_options
@click.option("--team", "team_id", required=True, metavar="TEAM_ID",
              help=_("The team they join."))
def import_members(file: Path, sheet: str | None, dry_run: bool, skip_bad: bool,
                   encoding: str | None, team_id: str) -> None:
    """Add the volunteers listed (by phone or volunteer id) to a team."""
    from civicvol.office import import_memberships

    s = session()
    with _hinted(), _progress(_("joining")) as progress:
        report = import_memberships(s.app, s.actor, file, team=team_id, sheet=sheet,
                                    encoding=encoding, dry_run=dry_run, skip_bad=skip_bad,
                                    progress=progress)
    _finish(report, dry_run)


def _day(ctx: click.Context, param: click.Parameter, value: str | None) -> date | None:
    from civicvol.audit.asof import parse_day

    return parse_day(value) if value else None


@click.command("export")
@click.argument("what", type=click.Choice(["volunteers", "orders", "points", "hours"]))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help=_("The file to write (.xlsx or .csv)."))
@click.option("--format", "kind", type=click.Choice(["xlsx", "csv"]), default=None,
              help=_("Default: from the file's name."))
@click.option("--community", default=None, help=_("Only this community's."))
@click.option("--team", "team_id", default=None, metavar="TEAM_ID", help=_("Only this team's."))
@click.option("--since", default=None, metavar="YYYY-MM-DD", callback=_day,
              help=_("From this day on (district time)."))
@click.option("--until", default=None, metavar="YYYY-MM-DD", callback=_day,
              help=_("Up to this day, inclusive."))
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD", callback=_day,
              help=_("As the records stood at the end of this day."))
@click.option("--lang", default=None, type=click.Choice(["zh_CN", "en"]),
              help=_("The headers' language (default: --lang, CIVICVOL_LANG, else Chinese)."))
def export(what: str, out: Path, kind: str | None, community: str | None,
           team_id: str | None, since: date | None, until: date | None, as_of: date | None,
           lang: str | None) -> None:
    """Write volunteers, orders, points or hours to a spreadsheet for the office."""
    from civicvol.office import export as write_export

    files = write_export(session().app, what, out, format=kind, community=community,
                         team=team_id, since=since, until=until, as_of=as_of, lang=lang)
    for path in files:
        click.echo(str(path))

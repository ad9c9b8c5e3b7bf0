"""civicvol report / demo."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from civicvol.app.missing import describe_missing, describe_not_loaded
from civicvol.app.views import district_report
from civicvol.audit.asof import district_report_as_of, parse_day
from civicvol.cli.context import (
    cell,
    console,
    json_option,
    print_json,
    session,
    shows_throwaway,
    writes,
)
from civicvol.demo import build_panlong, interrupted_demo_warning
from civicvol.display import label
from civicvol.domain import clock
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import InvalidInput
from civicvol.i18n import _, ngettext


@click.command("report")
@json_option
@click.option("--as-of", "as_of", default=None, metavar="YYYY-MM-DD",
              help=_("The figures as they stood at the end of that day (Asia/Shanghai)."))
@click.option("--html", "html_file", default=None, type=click.Path(path_type=Path),
              metavar="FILE",
              help=_("Write the report with its charts as one self-contained HTML page "
                     "(opens offline, prints on A4)."))
@click.option("--lang", default=None, type=click.Choice(["zh_CN", "en"]),
              help=_("The HTML page's language (default: zh_CN)."))
def report(as_json: bool, as_of: str | None, html_file: Path | None,
           lang: str | None) -> None:
    """The district report, every figure computed from the events."""
    app = session().app
    if html_file is not None and as_json:
        raise InvalidInput(_("give --html FILE or --json, not both"))
    if html_file is not None:
        write_html(app, html_file, lang or "zh_CN", past_day(as_of) if as_of else None)
        return
    if lang is not None:
        raise InvalidInput(_("--lang chooses the language of the HTML page; give it with "
                             "--html FILE"))
    data = (district_report_as_of(app, past_day(as_of)) if as_of is not None
            else district_report(app))
    for line in [*describe_missing(data.get("missing_plugins", [])),
                 *describe_not_loaded(data.get("plugins_not_loaded", []))]:
        click.echo(line, err=True)
    print_json(data) if as_json else print_report(data)
    if warning := interrupted_demo_warning(app):
        click.echo(warning, err=True)


def write_html(app: Any, path: Path, lang: str, as_of: date | None) -> None:
    # The office extra's libraries come in only here (office_module refuses plainly when
    # they are missing), never with --help or --version.
    from civicvol.office.report_html import write_report_html

    data = write_report_html(app, path, lang=lang, as_of=as_of)
    for line in describe_missing(data.get("missing_plugins", [])):
        click.echo(line, err=True)
    click.echo(ngettext("report of {n} event written to {path}",
                        "report of {n} events written to {path}", data["events"]).format(
                            n=data["events"], path=path), err=True)
    click.echo(str(path))


def print_report(data: dict[str, Any]) -> None:
    as_of = (_(", as of the end of {day}").format(day=data["as_of"]) if "as_of" in data
             else "")
    console().print(Text.assemble((_("District report"), "bold"), "  " + ngettext(
        "store {store}, {events} event{as_of}", "store {store}, {events} events{as_of}",
        data["events"]).format(store=data["store"], events=data["events"], as_of=as_of)))
    for section, figures in data.items():
        if not isinstance(figures, dict):
            continue
        table = Table(title=label(section), show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column(justify="right")
        for key, value in figures.items():
            table.add_row(label(key), cell(value, key))
        console().print(table)


@writes
@shows_throwaway
@click.command("demo")
@click.option("--scale", default=1.0, type=float, show_default=True,
              help=_("Share of the full district to build, e.g. 0.01 for a small one."))
@click.option("--seed", default=2024, type=int, show_default=True)
@click.option("--into-existing", is_flag=True,
              help=_("Build into a store that already holds events (a second district)."))
def demo(scale: float, seed: int, into_existing: bool) -> None:
    """Build the Panlong District of the article into an empty store, then print its
    report."""
    app = session().app
    started = time.perf_counter()
    columns = (TextColumn("{task.description:<12}"), BarColumn(), MofNCompleteColumn(),
               TimeElapsedColumn())
    with Progress(*columns, console=console(), transient=False) as bar:
        tasks: dict[str, Any] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done, total=total)

        build_panlong(app, scale=scale, seed=seed, progress=progress,
                      into_existing=into_existing)
    built = time.perf_counter() - started
    print_report(district_report(app))
    console().print(f"built in {built:.1f} s, reported in "
                  f"{time.perf_counter() - started - built:.1f} s")


COMMANDS = [report, demo]


def past_day(text: str) -> date:
    """A day for ``--as-of``: a date, today or before (an empty or future date is refused)."""
    day = parse_day(text)
    today = clock.now().astimezone(DISTRICT_TIME).date()
    if day > today:
        raise InvalidInput(_("--as-of {day} is in the future; give today ({today}) or a "
                             "past day, or leave --as-of out for the report as of now").format(
                             day=day, today=today))
    return day

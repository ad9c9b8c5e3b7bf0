"""civicvol audit replay | history | trace-points | check-certificate, civicvol certificate,
and civicvol volunteer erase: reading the history back, and erasing a person from it.

``audit replay`` and ``audit check-certificate`` exit 0 when everything agrees, 1 with every
discrepancy when something does not, and 2 when a file given to them cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from civicvol.app.erasure import erase_volunteer
from civicvol.app.missing import describe_missing
from civicvol.audit.certificate import (
    DEFAULT_ISSUER,
    certificate_markdown,
    check_certificate,
    check_certificate_offline,
    issue_certificate,
    load_certificate,
)
from civicvol.audit.checkpoint import AuditFileError, load_private_key, read_public_keys
from civicvol.audit.history import aggregate_history
from civicvol.audit.replay import replay
from civicvol.audit.trace import trace_points
from civicvol.cli.audit import audit
from civicvol.cli.audit_chain import pinned_keys, public_key_option, trust_embedded_option
from civicvol.cli.context import json_option, print_json, session, writes
from civicvol.cli.listing import print_table
from civicvol.cli.volunteers import volunteer
from civicvol.display import hours, moment, status
from civicvol.domain.errors import InvalidInput
from civicvol.i18n import N_, _, ngettext

stderr = Console(stderr=True)


@audit.command("replay")
@json_option
@click.option("--scratch", default=None, metavar="URL",
              help=_("Where to rebuild (default: a temporary SQLite file; memory:// for small "
                     "histories)."))
def replay_command(as_json: bool, scratch: str | None) -> None:
    """Rebuild every report from position 1 and compare it with the live figures."""
    app = session().app
    with Progress(TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), transient=True, console=stderr) as bar:
        tasks: dict[str, TaskID] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total)
            bar.update(tasks[stage], completed=done)

        result = replay(app, scratch_url=scratch, progress=progress)
    for line in describe_missing(result.missing_plugins):
        click.echo(line, err=True)
    if as_json:
        print_json(result.as_dict())
    else:
        click.echo(_("replayed {events} events and loaded {aggregates} records; chain head "
                     "live {live_head}…, replayed {replayed_head}…").format(
                     events=result.events, aggregates=result.aggregates,
                     live_head=result.live_head[:20], replayed_head=result.replayed_head[:20]))
        for discrepancy in result.discrepancies:
            click.echo(_("DISCREPANCY {discrepancy}").format(discrepancy=discrepancy))
        click.echo("every figure agrees" if result.agrees
                   else f"{len(result.discrepancies)} discrepancies")
    if not result.agrees:
        sys.exit(1)


@audit.command("history")
@click.argument("record_id")
@json_option
def history(record_id: str, as_json: bool) -> None:
    """Every event of one record (volunteer, order, team, account ...), oldest first."""
    rows = aggregate_history(session().app, record_id, whole=as_json)
    if as_json:
        print_json(rows)
        return
    table = Table(title=_("history of {record_id}").format(record_id=record_id),
    title_justify="left")
    columns = ("pos", "v", "time (Asia/Shanghai)", "by", "event", "what changed")
    for column in columns:
        table.add_column(_(column), no_wrap=column in ("by", "event"))
    records = []
    for r in rows:
        changes = "; ".join(f"{k}={v}" for k, v in r["changes"].items())
        values = (str(r["position"]), str(r["version"]), moment(r["time"]), r["by"],
                  r["event"], changes)
        table.add_row(*values)
        records.append(dict(zip(columns, values, strict=True)))
    print_table(table, str(table.title or ""), records)


@audit.command("trace-points")
@click.argument("volunteer_id")
@json_option
def trace(volunteer_id: str, as_json: bool) -> None:
    """Every point credited, approved, rejected, reversed or redeemed, and its cause."""
    data = trace_points(session().app, volunteer_id)
    missing = {e["origin"]["missing_plugin"]["message"] for e in data["entries"]
               if "missing_plugin" in e.get("origin", {})}
    for message in sorted(missing):  # each missing plug-in once; the other entries trace
        click.echo(_("warning: some credits cannot be followed to their record: {message}").format(
                     message=message),
                   err=True)
    if as_json:
        print_json(data)
        return
    table = Table(title=_("points of {volunteer_id}: balance {balance}").format(
                          volunteer_id=data['volunteer_id'], balance=data['balance']),
                  title_justify="left")
    columns = (N_("pos"), N_("time"), N_("action"), N_("entry"), N_("points"), N_("by"),
               N_("source / earned by"))
    for column in columns:
        table.add_column(_(column), no_wrap=column in ("by", "source / earned by"))
    records = []
    entries = {e["entry"]: e for e in data["entries"]}
    for a in data["actions"]:
        entry, cause = entries[a["entry"]], a["event"]
        origin = entry.get("origin", {})
        earned = origin.get("event")
        source = entry["source"] + (f" ({earned['name']} @{earned['position']})"
                                    if earned and a["action"] == "credited" else "")
        values = (str(cause["position"]), moment(cause["time"]), status(a["action"]),
                  a["entry"], str(a["points"]), cause["by"], source)
        table.add_row(*values)
        records.append(dict(zip(columns, values, strict=True)))
    print_table(table, str(table.title or ""), records)


@audit.command("check-certificate")
@click.argument("certificate", type=click.Path(path_type=Path))
@click.option("--bundle", default=None, type=click.Path(path_type=Path),
              help=_("An audit bundle (civicvol audit export) reaching the certificate's "
                     "position; without it the certificate is checked from its own proofs."))
@click.option("--issuer-key", "issuer_key_files", multiple=True,
              type=click.Path(path_type=Path), metavar="FILE",
              help=_("Trust only certificates signed by this issuer's public key (repeatable)."))
@public_key_option
@trust_embedded_option
def check(certificate: Path, bundle: Path | None, issuer_key_files: tuple[Path, ...],
          public_key_files: tuple[Path, ...], trust_embedded: bool) -> None:
    """Check a service certificate's signature and every field against an audit bundle,
    without the database."""
    if trust_embedded and issuer_key_files:
        raise AuditFileError(_("give --issuer-key or --trust-embedded-keys, not both"))
    trusted = pinned_keys(public_key_files, trust_embedded)
    issuers = read_public_keys(issuer_key_files)
    cert = load_certificate(certificate)
    problems = (check_certificate_offline(cert, issuers, trust_embedded) if bundle is None
                else check_certificate(cert, bundle, trusted, trust_embedded, issuers))
    for problem in problems:
        click.echo(_("NOT CONFIRMED: {problem}").format(problem=problem))
    if problems:
        sys.exit(1)
    count = len(cert["services"])
    click.echo(_("certificate {number} confirmed: {hours} in {services} up to position "
                 "{position}").format(
                 number=cert['number'], hours=hours(cert['hours']),
                 services=ngettext("{n} service", "{n} services", count).format(n=count),
                 position=cert['chain']['position']))


@click.command("certificate")
@click.argument("volunteer_id")
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help=_("Write FILE.md (printable) and FILE.json (checkable) instead of printing."))
@click.option("--issuer", default=DEFAULT_ISSUER, show_default=True)
@click.option("--key", "key_file", required=True, type=click.Path(path_type=Path),
              metavar="KEYFILE", help=_("The issuer's signing key ('civicvol audit keygen')."))
@json_option
def certificate(volunteer_id: str, out: Path | None, issuer: str, key_file: Path,
                as_json: bool) -> None:
    """Issue a volunteer's service certificate (志愿服务记录证明), signed by the issuer."""
    if out is not None and not out.parent.is_dir():
        raise InvalidInput(_("--out {out}: the folder {parent} does not exist; create it "
                             "or write the certificate into an existing folder").format(
                             out=out, parent=out.parent))
    key = load_private_key(key_file)
    cert = issue_certificate(session().app, volunteer_id, key, issuer)
    text = json.dumps(cert, ensure_ascii=False, indent=2)
    if out is not None:
        stem = out.with_suffix("") if out.suffix in (".md", ".json") else out
        stem.with_suffix(".md").write_text(certificate_markdown(cert), encoding="utf-8")
        stem.with_suffix(".json").write_text(text + "\n", encoding="utf-8")
        click.echo(_("certificate {number} written to {stem}.md and {stem}.json").format(
                     number=cert['number'], stem=stem),
                   err=True)
        click.echo(str(stem.with_suffix(".json")))
    elif as_json:
        click.echo(text)
    else:
        click.echo(certificate_markdown(cert))


@writes
@volunteer.command("erase")
@click.argument("volunteer_id")
@click.option("--reason", required=True,
              help=_("Why (the person's request, ...), in a few words; no personal data."))
@click.option("--yes", is_flag=True, help=_("Do not ask: erasure cannot be undone."))
def erase(volunteer_id: str, reason: str, yes: bool) -> None:
    """Erase a volunteer's personal data for good by destroying their key (administrator)."""
    s = session()
    if not yes and not _confirmed(f"erase the personal data of volunteer {volunteer_id} for "
                                  "good? It cannot be undone"):
        raise InvalidInput(_("erasure not confirmed: nothing was erased; answer y at the "
                             "prompt, or give --yes to erase without asking"))
    erase_volunteer(s.app, s.actor, volunteer_id, reason)
    click.echo(_("personal data of volunteer {volunteer_id} erased; their hours, points "
                 "and history remain").format(volunteer_id=volunteer_id))


def _confirmed(question: str) -> bool:
    """The user's yes at the prompt; no answer (no terminal, end of input) is a no."""
    try:
        return click.confirm(question, default=False, err=True)
    except click.Abort:
        return False


COMMANDS = [certificate]

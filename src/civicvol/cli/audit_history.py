"""civicvol audit replay | history | trace-points | check-certificate and civicvol certificate:
reading the history back (erasure is civicvol.cli.erasure).

``audit replay`` and ``audit check-certificate`` exit 0 when everything agrees, 1 with every
discrepancy when something does not, and 2 when a file given to them cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

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
from civicvol.cli.context import json_option, print_json, session
from civicvol.cli.listing import print_table
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
    unreadable = {(r["unreadable"]["plugin"], r["unreadable"]["version"])
                  for r in rows if "unreadable" in r}
    for plugin, version in sorted(unreadable):  # once each; the readable events still show
        count = sum(1 for r in rows if r.get("unreadable", {}).get("plugin") == plugin)
        click.echo(f"warning: {count} of these events were written by plug-in {plugin!r} "
                   f"(version {version}), which is not installed here: their position, "
                   "version and kind are shown, not what they recorded; install the plug-in "
                   "to read them", err=True)
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
        changes = "; ".join(f"{k}={status(v) if v in ('true', 'false') else v}"
                            for k, v in r["changes"].items())
        if "unreadable" in r:
            changes = _("[not readable without plug-in {plugin}]").format(
                plugin=r["unreadable"]["plugin"])
        values = (str(r["position"]), str(r["version"]), moment(r["time"]) if r["time"] else "?",
                  r["by"], r["event"], changes)
        table.add_row(*values)
        records.append(dict(zip(columns, values, strict=True)))
    print_table(table, str(table.title or ""), records)


@audit.command("trace-points")
@click.argument("volunteer_id")
@json_option
def trace(volunteer_id: str, as_json: bool) -> None:
    """Every point credited, approved, rejected, reversed, redeemed or expired, and its cause."""
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
        if a.get("lots"):  # a redemption: the lots it was taken from, oldest first
            source += " " + _("from {lots}").format(
                lots=", ".join(f"{lot} ({n})" for lot, n in a["lots"].items()))
        elif a["action"] == "expired":
            source += " " + _("validity ended {day}").format(day=a["expired_on"])
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
@click.option("--pdf", "pdf", type=click.Path(path_type=Path), default=None, metavar="FILE",
              help=_("Write the certificate on A4 as FILE (PDF, Chinese, with its QR code) "
                     "and the checkable FILE.json beside it."))
@json_option
def certificate(volunteer_id: str, out: Path | None, issuer: str, key_file: Path,
                pdf: Path | None, as_json: bool) -> None:
    """Issue a volunteer's service certificate (志愿服务记录证明), signed by the issuer."""
    for option, path in (("--out", out), ("--pdf", pdf)):
        if path is not None and not path.parent.is_dir():
            raise InvalidInput(_("{option} {path}: the folder {folder} does not exist; "
                                 "create it or write the certificate into an existing "
                                 "folder").format(option=option, path=path,
                                                  folder=path.parent))
    if pdf is not None and out is not None:
        raise InvalidInput(_("give --pdf FILE or --out FILE, not both (--pdf writes the JSON "
                             "beside the PDF)"))
    key = load_private_key(key_file)
    cert = issue_certificate(session().app, volunteer_id, key, issuer)
    text = json.dumps(cert, ensure_ascii=False, indent=2)
    if pdf is not None:
        write_pdf(cert, key, pdf, text)
    elif out is not None:
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


def write_pdf(cert: dict[str, Any], key: Any, pdf: Path, text: str) -> None:
    # WeasyPrint and segno come in only here (office_module refuses plainly when missing).
    from civicvol.office.certificate_pdf import write_certificate_pdf

    pdf = pdf if pdf.suffix.lower() == ".pdf" else pdf.with_name(pdf.name + ".pdf")
    write_certificate_pdf(cert, key, pdf)
    pdf.with_suffix(".json").write_text(text + "\n", encoding="utf-8")
    click.echo(_("certificate {number} written to {pdf} and {json}").format(
        number=cert["number"], pdf=pdf, json=pdf.with_suffix(".json")), err=True)
    click.echo(str(pdf))


@audit.command("check-qr")
@click.argument("qr_text", metavar="QR")
@click.option("--certificate", "certificate_file", default=None,
              type=click.Path(path_type=Path), metavar="CERT.json",
              help=_("The certificate's JSON: check that the QR is its own, then its "
                     "proofs."))
@click.option("--bundle", default=None, type=click.Path(path_type=Path),
              help=_("An audit bundle reaching the certificate's position (with "
                     "--certificate)."))
@click.option("--issuer-key", "issuer_key_files", multiple=True,
              type=click.Path(path_type=Path), metavar="FILE",
              help=_("Trust only QR codes signed by this issuer's public key "
                     "(repeatable)."))
@public_key_option
@trust_embedded_option
def check_qr_command(qr_text: str, certificate_file: Path | None, bundle: Path | None,
                     issuer_key_files: tuple[Path, ...], public_key_files: tuple[Path, ...],
                     trust_embedded: bool) -> None:
    """Check a paper certificate's QR code (its text, or a file holding it)."""
    from civicvol.audit.certificate_qr import check_qr, read_qr

    if trust_embedded and issuer_key_files:
        raise AuditFileError(_("give --issuer-key or --trust-embedded-keys, not both"))
    if bundle is not None and certificate_file is None:
        raise InvalidInput(_("--bundle checks the certificate's services: give its JSON with "
                             "--certificate CERT.json too"))
    payload = read_qr(qr_text)
    cert = load_certificate(certificate_file) if certificate_file is not None else None
    problems = check_qr(payload, read_public_keys(issuer_key_files), trust_embedded, cert,
                        bundle, pinned_keys(public_key_files, trust_embedded)
                        if bundle is not None else ())
    for problem in problems:
        click.echo(_("NOT CONFIRMED: {problem}").format(problem=problem))
    if problems:
        sys.exit(1)
    if cert is None:
        done = _("QR of certificate {number} confirmed: {hours} hours of volunteer "
                 "{volunteer} up to position {position}")
    elif bundle is None:
        done = _("QR of certificate {number} confirmed and its certificate's proofs: "
                 "{hours} hours of volunteer {volunteer} up to position {position}")
    else:
        done = _("QR of certificate {number} confirmed and its certificate against the "
                 "bundle: {hours} hours of volunteer {volunteer} up to position {position}")
    click.echo(done.format(number=payload["number"], hours=payload["hours"],
                           volunteer=payload["volunteer"], position=payload["position"]))


COMMANDS = [certificate]

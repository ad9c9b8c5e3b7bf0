"""civicvol audit keygen | checkpoint | verify | export | verify-bundle: the hash chain.

Verification exits 0 when the history is intact, 1 with the first bad position and its kind
when it is not, and 2 when a file given to it cannot be read.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import UUID

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from civicvol.audit.bundle import export_bundle
from civicvol.audit.checkpoint import (
    AuditFileError,
    generate_key,
    load_private_key,
    read_checkpoints,
    read_public_keys,
    sign_checkpoint,
    write_checkpoint,
)
from civicvol.audit.personal_keys_check import describe, keys_lost_without_erasure
from civicvol.audit.recorders import as_chained
from civicvol.audit.store_verification import verify_store
from civicvol.audit.verifier import EMBEDDED_WARNING, VerificationResult, verify_bundle
from civicvol.audit.witness import witness_append
from civicvol.cli.audit import audit
from civicvol.cli.context import json_option, print_json, session
from civicvol.demo import interrupted_demo_warning
from civicvol.i18n import _
from civicvol.store import store_name

checkpoint_option = click.option(
    "--checkpoint", "checkpoint_files", multiple=True, type=click.Path(path_type=Path),
    metavar="FILE", help=_("A signed checkpoint to check the head against (repeatable)."))
public_key_option = click.option(
    "--public-key", "public_key_files", multiple=True, type=click.Path(path_type=Path),
    metavar="FILE", help=_("Trust only checkpoints signed by this public key (repeatable); "
                           "each key must have signed one of the checkpoints."))
trust_embedded_option = click.option(
    "--trust-embedded-keys", "trust_embedded", is_flag=True,
    help=_("Trust the key each checkpoint carries (no proof against whoever rewrote the "
           "history: reported as a warning)."))


def pinned_keys(public_key_files: tuple[Path, ...], trust_embedded: bool) -> list[bytes]:
    """The auditor's pinned keys; warns loudly when the checkpoints' own keys are trusted."""
    if trust_embedded and public_key_files:
        raise AuditFileError(_("give --public-key or --trust-embedded-keys, not both"))
    if trust_embedded:
        Console(stderr=True).print(f"[bold red]{EMBEDDED_WARNING}[/]")
    return read_public_keys(public_key_files)


@contextmanager
def _progress(what: str, total: int | None) -> Iterator[Callable[[int], None]]:
    """A rich progress bar on stderr (stdout stays clean for --json)."""
    with Progress(TextColumn(what), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(what, total=total)
        yield lambda done: bar.update(task, completed=done)


def _report(result: VerificationResult, what: str, as_json: bool,
            lost_keys: list[UUID] | None = None) -> None:
    lost = lost_keys or []
    if as_json:
        print_json({
            "intact": result.intact and not lost,
            "personal_keys_lost": [str(v) for v in lost],
            "event_count": result.event_count,
            "head_hash": result.head_hash.hex(),
            "checkpoints_checked": result.checkpoints_checked,
            "finding": None if result.finding is None else {
                "position": result.finding.position, "kind": result.finding.kind,
                "detail": result.finding.detail},
        })
    elif result.finding is None and lost:
        click.echo(_("{what} is NOT intact: the chain of {event_count} events holds, but "
                     "personal keys are missing (keys-lost)").format(
                     what=what, event_count=result.event_count))
        click.echo(_("  {describe}").format(describe=describe(lost)))
    elif result.finding is None:
        click.echo(_("{what} is intact: {event_count} events, head {hex}, "
                     "{checkpoints_checked} checkpoint(s) matched").format(
                     what=what, event_count=result.event_count, hex=result.head_hash.hex(),
                     checkpoints_checked=result.checkpoints_checked))
    else:
        click.echo(_("{what} is NOT intact: first bad position {position} ({kind})").format(
                     what=what, position=result.finding.position, kind=result.finding.kind))
        click.echo(_("  {detail}").format(detail=result.finding.detail))
    if result.finding is not None or lost:
        sys.exit(1)


@audit.command("keygen")
@click.option("--out", required=True, type=click.Path(path_type=Path), metavar="KEYFILE",
              help=_("Where to write the private key (mode 0600); the public key goes to "
                     "KEYFILE.pub."))
def keygen(out: Path) -> None:
    """Make an Ed25519 signing key for checkpoints."""
    pub_path, public = generate_key(out)
    click.echo(_("private key written to {out} (readable by you only); keep it off the "
                 "database server").format(out=out), err=True)
    click.echo(_("public key written to {pub_path}").format(pub_path=pub_path), err=True)
    click.echo(public.hex())


@audit.command("checkpoint")
@click.option("--key", "key_file", required=True, type=click.Path(path_type=Path),
              metavar="KEYFILE", help=_("The private key made by 'civicvol audit keygen'."))
@click.option("--out", required=True, type=click.Path(path_type=Path), metavar="FILE",
              help=_("Where to write the signed checkpoint (JSON)."))
@click.option("--log", "log_file", type=click.Path(path_type=Path), metavar="FILE",
              help=_("Also append it to this checkpoint log, refusing a head that does not "
                     "extend the log's last one (a witness)."))
def checkpoint(key_file: Path, out: Path, log_file: Path | None) -> None:
    """Sign "this store has N events, head hash H, tree head T" into a file the auditors
    keep."""
    key = load_private_key(key_file)
    obj = session()
    recorder = as_chained(obj.app.recorder)
    signed = sign_checkpoint(key, store_name(obj.app.store_url), recorder)
    if out.exists():
        raise AuditFileError(_("{out} exists already; checkpoints are kept, not "
                               "overwritten: choose another --out").format(out=out))
    if log_file is not None:
        witness_append(log_file, signed, recorder)
    write_checkpoint(signed, out)
    click.echo(_("checkpoint of {event_count} events written to {out}").format(
                 event_count=signed.event_count, out=out), err=True)
    click.echo(signed.head_hash.hex())


@audit.command("verify")
@checkpoint_option
@public_key_option
@trust_embedded_option
@json_option
def verify(checkpoint_files: tuple[Path, ...], public_key_files: tuple[Path, ...],
           trust_embedded: bool, as_json: bool) -> None:
    """Walk the whole log, recompute the chain, and check the checkpoints."""
    checkpoints = read_checkpoints(checkpoint_files)
    trusted = pinned_keys(public_key_files, trust_embedded)
    app = session().app
    recorder = as_chained(app.recorder)
    with _progress("verifying", recorder.chain_head()[0]) as advance:
        result = verify_store(recorder, checkpoints, trusted, trust_embedded=trust_embedded,
                              on_progress=advance)
    if warning := interrupted_demo_warning(app):
        click.echo(warning, err=True)
    _report(result, f"store {store_name(app.store_url)}", as_json,
            keys_lost_without_erasure(app))


@audit.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
@checkpoint_option
def export(directory: Path, checkpoint_files: tuple[Path, ...]) -> None:
    """Write an audit bundle (events.jsonl and manifest.json) into DIRECTORY."""
    checkpoints = read_checkpoints(checkpoint_files)
    app = session().app
    recorder = as_chained(app.recorder)
    with _progress("exporting", recorder.chain_head()[0]) as advance:
        count = export_bundle(recorder, store_name(app.store_url), directory, checkpoints,
                              on_progress=advance)
    click.echo(_("audit bundle of {count} events written to {directory}").format(
                 count=count, directory=directory), err=True)
    click.echo(str(directory))


@audit.command("verify-bundle")
@click.argument("directory", type=click.Path(path_type=Path, exists=True, file_okay=False))
@checkpoint_option
@public_key_option
@trust_embedded_option
@json_option
def verify_bundle_command(directory: Path, checkpoint_files: tuple[Path, ...],
                          public_key_files: tuple[Path, ...], trust_embedded: bool,
                          as_json: bool) -> None:
    """Check an audit bundle without any database."""
    checkpoints = read_checkpoints(checkpoint_files)
    trusted = pinned_keys(public_key_files, trust_embedded)
    with _progress("verifying bundle", None) as advance:
        try:
            result = verify_bundle(directory, checkpoints, trusted, trust_embedded,
                                   on_progress=advance)
        except (OSError, ValueError) as error:
            raise AuditFileError(_("cannot read the bundle in {directory}: {error}; give "
                                   "the folder written by 'civicvol audit export'").format(
                                   directory=directory, error=error)) from None
    _report(result, f"bundle {directory}", as_json)


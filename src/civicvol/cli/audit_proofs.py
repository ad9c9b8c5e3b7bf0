"""civicvol audit prove | prove-consistency | check-proof | export-subject | check-subject:
short proofs from the Merkle tree.

``check-proof`` needs no database and no bundle: the proof, the signed checkpoint(s) and the
auditors' public key. It exits 0 when the proof holds, 1 when it does not, 2 when a file
cannot be read.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import click

from civicvol.audit.checkpoint import AuditFileError, read_checkpoints
from civicvol.audit.proofs import consistency_proof, inclusion_proof
from civicvol.audit.recorders import as_chained
from civicvol.audit.verifier import CheckpointWatch, check_proof_files
from civicvol.cli.audit import audit
from civicvol.cli.audit_chain import pinned_keys, public_key_option, trust_embedded_option
from civicvol.cli.context import print_json, session
from civicvol.i18n import _
from civicvol.store import store_name


@audit.command("prove")
@click.argument("position", type=click.IntRange(min=1))
@click.option("--checkpoint", "checkpoint_file", type=click.Path(path_type=Path),
              metavar="FILE", help=_("Prove against this signed tree head (default: now)."))
def prove(position: int, checkpoint_file: Path | None) -> None:
    """An inclusion proof of the event at POSITION (JSON on standard output)."""
    checkpoint = read_checkpoints([checkpoint_file])[0] if checkpoint_file else None
    app = session().app
    print_json(inclusion_proof(as_chained(app.recorder), store_name(app.store_url), position,
                               checkpoint))


@audit.command("prove-consistency")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
def prove_consistency(old: Path, new: Path) -> None:
    """A consistency proof: the tree checkpoint NEW signed extends the one OLD signed."""
    older, newer = read_checkpoints([old, new])
    print_json(consistency_proof(as_chained(session().app.recorder), older, newer))


@audit.command("check-proof")
@click.argument("proof_file", type=click.Path(path_type=Path), metavar="PROOF")
@click.option("--checkpoint", "checkpoint_files", multiple=True, required=True,
              type=click.Path(path_type=Path), metavar="FILE",
              help=_("The signed checkpoint (two for a consistency proof: old and new)."))
@public_key_option
@trust_embedded_option
def check_proof(proof_file: Path, checkpoint_files: tuple[Path, ...],
                public_key_files: tuple[Path, ...], trust_embedded: bool) -> None:
    """Check an inclusion or consistency proof against signed checkpoints, offline."""
    trusted = pinned_keys(public_key_files, trust_embedded)
    read_checkpoints(checkpoint_files)  # each one readable, or a plain refusal naming it
    _load_proof(proof_file)
    try:
        problem = check_proof_files(str(proof_file), [str(c) for c in checkpoint_files],
                                    trusted, trust_embedded)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AuditFileError(_("cannot check proof {proof_file}: {error}; give a file written by "
                               "'civicvol audit prove' or 'prove-consistency' and its "
                               "checkpoint(s): one for an inclusion proof, old and new for a "
                               "consistency proof").format(
                               proof_file=proof_file, error=error)) from None
    if problem:
        click.echo(_("proof does NOT hold: {problem}").format(problem=problem))
        sys.exit(1)
    click.echo(_("proof holds against checkpoint(s) {join}").format(
                 join=', '.join(map(str, checkpoint_files))))


def _load_proof(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise AuditFileError(_("cannot read proof {path}: {error}; give a file written by "
                               "'civicvol audit prove' or 'prove-consistency'").format(
                               path=path, error=error)) from None
    if not isinstance(data, dict):
        raise AuditFileError(_("{path} is not a civicvol proof").format(path=path))
    return data


@audit.command("export-subject")
@click.argument("volunteer_id")
@click.argument("out", type=click.Path(path_type=Path), metavar="DIR")
@click.option("--checkpoint", "checkpoint_file", required=True,
              type=click.Path(path_type=Path), metavar="FILE",
              help=_("The signed tree head to prove every event against "
                      "('civicvol audit checkpoint --key KEY --out FILE')."))
def export_subject_command(volunteer_id: str, out: Path, checkpoint_file: Path) -> None:
    """Everything recorded about one volunteer, each event with its proof, into DIR."""
    from civicvol.audit.subject import export_subject

    done = export_subject(session().app, volunteer_id, out, checkpoint_file)
    click.echo(f"{done['events']} events of {done['records']} records about volunteer "
               f"{done['volunteer_id']} written to {out}, each proved in the tree of "
               f"{done['tree_size']} events; check them with 'civicvol audit check-subject "
               f"{out} --public-key KEY'", err=True)
    click.echo(str(out))


@audit.command("check-subject")
@click.argument("folder", type=click.Path(path_type=Path), metavar="DIR")
@public_key_option
@trust_embedded_option
def check_subject(folder: Path, public_key_files: tuple[Path, ...],
                  trust_embedded: bool) -> None:
    """Check a volunteer's export offline: every event's proof against its signed head."""
    from civicvol.audit.subject import check_subject_export

    trusted = pinned_keys(public_key_files, trust_embedded)
    (checkpoint,) = read_checkpoints([folder / "checkpoint.json"])
    untrusted = CheckpointWatch([checkpoint]).signatures(trusted, trust_embedded)
    try:
        problems = [str(untrusted)] if untrusted else check_subject_export(folder, checkpoint)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AuditFileError(_("cannot read the export in {folder}: {error}; give a folder "
                               "written by 'civicvol audit export-subject'").format(
                               folder=folder, error=error)) from None
    for problem in problems:
        click.echo(f"export does NOT hold: {problem}")
    if problems:
        sys.exit(1)
    click.echo(f"every event of the export in {folder} is proved in the signed tree head")

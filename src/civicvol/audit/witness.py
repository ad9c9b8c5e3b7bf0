"""A checkpoint log kept by a witness: each new signed tree head is appended only if the
store proves it extends the last one (RFC 9162 consistency), so a history rewritten between
two runs is refused, however well its new chain hashes are forged."""

from __future__ import annotations

import json
from pathlib import Path

from civicvol.audit.checkpoint import AuditFileError
from civicvol.audit.proofs import ProofRefused, consistency_proof
from civicvol.audit.recorders import ChainedRecorder
from civicvol.audit.verifier import Checkpoint, consistency_problem
from civicvol.i18n import _


def last_checkpoint(log: Path) -> Checkpoint | None:
    """The log's last checkpoint (None for a new log); its signature must verify."""
    if not log.exists():
        return None
    try:
        lines = log.read_text(encoding="utf-8").splitlines()
        if not lines:
            return None
        last = Checkpoint.from_json(json.loads(lines[-1]), source=f"{log}:{len(lines)}")
    except (OSError, ValueError) as error:
        raise AuditFileError(_("cannot read checkpoint log {log}: {error}; give a checkpoint "
                               "log").format(log=log, error=error)).hinted(
            _("'civicvol audit checkpoint --log FILE' writes one")) from None
    problem = last.signature_problem()
    if problem:
        raise AuditFileError(_("checkpoint log {log}: {problem}").format(
                               log=log, problem=problem))
    return last


def witness_append(log: Path, new: Checkpoint, recorder: ChainedRecorder) -> None:
    """Append ``new`` to ``log`` if it extends the log's last checkpoint; refuse otherwise,
    writing nothing."""
    last = last_checkpoint(log)
    if last is not None:
        if last.store != new.store:
            raise ProofRefused(_("the checkpoint log {log} is of store {store!r}, not "
                                 "{store2!r}; keep one log per store").format(
                                 log=log, store=last.store, store2=new.store))
        try:
            proof = consistency_proof(recorder, last, new)
        except ProofRefused as refused:
            raise ProofRefused(_("not appended to {log}: {refused}").format(
                                 log=log, refused=refused)) from None
        problem = consistency_problem(proof, last, new)
        if problem:
            raise ProofRefused(_("not appended to {log}: {problem}").format(
                                 log=log, problem=problem))
    with open(log, "a", encoding="utf-8") as file:
        file.write(json.dumps(new.to_json(), separators=(",", ":")) + "\n")

"""One person's history, portable: everything recorded about one volunteer, each event with
its inclusion proof against a signed tree head.

The answer to a personal-information access request (个人信息保护法) and to a volunteer who
disputes their hours. The folder holds:

- ``subject.json``: who (the personal data decrypted, for the person themself), which records
  are included and why, and every event in readable form (as ``audit history --json``);
- ``checkpoint.json``: the signed tree head every proof is made against;
- ``proofs/<position>.json``: one inclusion proof per event (docs/audit/proofs.md), each
  checkable alone with ``civicvol audit check-proof``, or all at once with
  :func:`check_subject_export` (``civicvol audit check-subject``), with no database.

The records about a volunteer: their own record, their points account, their memberships
of teams, and the orders they served. Orders carry the requesting resident's id, never
their personal data (which lives only in the resident's own records).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID

from civicvol.app.application import CivicVol, parse_id
from civicvol.audit.checkpoint import AuditFileError, read_checkpoints
from civicvol.audit.history import aggregate_history
from civicvol.audit.proofs import inclusion_proof, tree_size_for
from civicvol.audit.recorders import as_chained
from civicvol.audit.verifier import SUBJECT_FORMAT, Checkpoint, subject_problems
from civicvol.domain.membership import membership_id
from civicvol.domain.point_account import point_account_id
from civicvol.domain.volunteer import Volunteer
from civicvol.i18n import _
from civicvol.store import store_name

SUBJECT_FORMAT_VERSION = 1


def subject_records(app: CivicVol, volunteer_id: UUID) -> list[tuple[str, UUID]]:
    """(why, record id) for every record about the volunteer that exists in the store."""
    vid = str(volunteer_id)
    candidates = [("the volunteer's own record", volunteer_id),
                  ("the volunteer's points account", point_account_id(volunteer_id))]
    candidates += [(f"membership of team {team}", membership_id(UUID(team), volunteer_id))
                   for team in app.views.memberships.teams_of(vid, include_past=True)]
    candidates += [("an order the volunteer served", UUID(o["id"]))
                   for o in reversed(app.views.orders.of_volunteer(vid))]
    seen: set[UUID] = set()
    found = []
    for why, ident in candidates:
        if ident not in seen and app.recorder.select_events(ident, limit=1):
            seen.add(ident)
            found.append((why, ident))
    return found


def export_subject(app: CivicVol, volunteer_id: UUID | str, out: Path,
                   checkpoint_file: Path) -> dict[str, Any]:
    """Write the volunteer's export into the new folder ``out``; its summary."""
    ident = parse_id(volunteer_id, "volunteer")
    volunteer = app.load(Volunteer, ident)
    (checkpoint,) = read_checkpoints([checkpoint_file])
    recorder = as_chained(app.recorder)
    store = store_name(app.store_url)
    if checkpoint.store != store:
        raise AuditFileError(_("checkpoint {checkpoint_file} is of store {store!r}, not of "
                               "{store2!r}; give a checkpoint taken of this store").format(
                               checkpoint_file=checkpoint_file, store=checkpoint.store,
                               store2=store))
    size = tree_size_for(recorder, checkpoint)  # the store must still agree with it
    if out.exists():
        raise AuditFileError(_("{out} exists already; give a new folder for the export").format(
                               out=out))
    records = []
    proofs: dict[int, dict[str, Any]] = {}
    for why, record in subject_records(app, ident):
        rows = [r for r in aggregate_history(app, record, whole=True)
                if r["position"] is not None and r["position"] <= size]
        for row in rows:
            proofs[row["position"]] = inclusion_proof(recorder, store, row["position"],
                                                      checkpoint)
        if rows:
            records.append({"record": str(record), "why": why, "events": rows})
    contact = volunteer.contact
    subject = {
        "format": SUBJECT_FORMAT, "format_version": SUBJECT_FORMAT_VERSION,
        "store": store, "tree_size": size, "volunteer_id": str(ident),
        "personal_data": {"erased": contact.is_erased,
                          "name": None if contact.is_erased else contact.name,
                          "phone": None if contact.is_erased else contact.phone,
                          "national_number": contact.national_number or None,
                          "community": volunteer.community,
                          "skills": list(volunteer.skills)},
        "service_hours": str(volunteer.service_hours),
        "records": records,
        "positions": sorted(proofs),
    }
    (out / "proofs").mkdir(parents=True)
    (out / "checkpoint.json").write_bytes(checkpoint_file.read_bytes())
    for position, proof in proofs.items():
        _write_json(out / "proofs" / f"{position}.json", proof)
    _write_json(out / "subject.json", subject)
    return {"volunteer_id": str(ident), "records": len(records), "events": len(proofs),
            "tree_size": size, "out": str(out)}


def check_subject_export(folder: Path, checkpoint: Checkpoint) -> list[str]:
    """Every problem of an export against its (already trusted) checkpoint: see
    :func:`civicvol.audit.verifier.subject_problems`, which checks it with no civicvol."""
    try:
        return subject_problems(folder, checkpoint)
    except (OSError, ValueError) as error:
        raise AuditFileError(_("cannot read the export in {folder}: {error}; give a folder "
                               "written by a subject export").format(
                               folder=folder, error=error)).hinted(
                               _("'civicvol audit export-subject' writes one")) from None


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

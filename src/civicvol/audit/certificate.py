"""志愿服务记录证明: a volunteer's certificate of service hours, checkable against a bundle.

A certificate states the volunteer's identity, every service (order, date, hours) and the
total hours, who issued it, its number and issue date, and the position and head hash of
the hash chain it was issued at, and the issuer's Ed25519 signature over all of these
(:func:`certificate_statement`): a field changed afterwards is named by the check. Anyone
holding an audit bundle of the store that reaches that position can check it without the
database (:func:`check_certificate`): the bundle verifies, its hash at that position is the
certificate's, and the volunteer's ``ServiceRecorded`` events up to that position add up
to the certificate's services and hours. The bundle's personal data is sealed, so the name
cannot be checked from it (the issuer's signature binds it); the volunteer id, hours, dates
and orders can.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from civicvol.app.application import CivicVol
from civicvol.app.report import event_topic
from civicvol.audit.history import events_of, shanghai
from civicvol.audit.proofs import inclusion_proof
from civicvol.audit.recorders import ChainedRecorder, as_chained
from civicvol.audit.tree import root_of
from civicvol.audit.verifier import (
    EVENTS_FILE,
    BundleEvent,
    Checkpoint,
    checkpoint_message,
    inclusion_problem,
    parse_event_line,
    verify_bundle,
)
from civicvol.display import hours as hours_text
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import CivicVolError, NotFound
from civicvol.domain.values import check_name
from civicvol.domain.volunteer import Volunteer
from civicvol.i18n import N_, _, ngettext
from civicvol.store import store_name

CERTIFICATE_FORMAT = "civicvol-service-certificate"
CERTIFICATE_VERSION = 1
DEFAULT_ISSUER = "盘龙区新时代文明实践中心"
SERVICE_TOPIC = event_topic(Volunteer, "ServiceRecorded")
ADDED_TOPIC = event_topic(Volunteer, "HoursAdded")
STATEMENT_HEADER = b"civicvol certificate v1\n"
UNSIGNED = frozenset(("signature", "tree_head", "proofs"))  # these carry their own proof


class CertificateError(CivicVolError):
    """A certificate file that cannot be read or checked."""

    exit_code = 2


def issue_certificate(app: CivicVol, volunteer_id: UUID | str, key: Ed25519PrivateKey,
                      issuer: str = DEFAULT_ISSUER) -> dict[str, Any]:
    """The certificate of every service recorded up to the chain's head at this moment,
    signed by the issuer's ``key`` (see :func:`sign_certificate`)."""
    issuer = check_name(issuer, N_("certificate's issuer"))
    chain = as_chained(app.recorder)
    position, head = chain.chain_head()
    volunteer = app.volunteer(volunteer_id)
    services: list[dict[str, str | int]] = []
    added: list[dict[str, str | int]] = []  # hours an administrator added afterwards
    for event in events_of(app, volunteer.id):
        kind = type(event).__name__
        if kind not in ("ServiceRecorded", "HoursAdded"):
            continue
        link = chain.chain_link_of(str(volunteer.id), event.originator_version)
        if link is None or link.position > position:
            continue
        if kind == "HoursAdded":
            added.append({"date": shanghai(event.timestamp)[:10], "hours": str(event.hours),
                          "reason": event.reason, "by": str(event.by),
                          "position": link.position})
            continue
        try:
            order = app.order(event.order_id)
            service, place = order.service, order.place
        except NotFound:  # service recorded for a record that is not a core order
            service, place = "-", ""
        services.append({"date": shanghai(event.timestamp)[:10],
                         "order_id": str(event.order_id), "service": service, "place": place,
                         "hours": str(event.hours), "position": link.position})
    tree_head = _tree_head(key, store_name(app.store_url), chain, position, head)
    proofs = [inclusion_proof(chain, tree_head.store, int(s["position"]), tree_head)
              for s in services]
    issued = datetime.now(DISTRICT_TIME)
    number = "CV-{}-{}".format(issued.strftime("%Y%m%d"), hashlib.sha256(
        f"{volunteer.id}:{position}:{head.hex()}".encode()).hexdigest()[:10].upper())
    return sign_certificate(key, {
        "format": CERTIFICATE_FORMAT, "format_version": CERTIFICATE_VERSION,
        "title": "志愿服务记录证明 (volunteer service record certificate)",
        "number": number, "issuer": issuer, "issued_on": issued.date().isoformat(),
        "volunteer": {"id": str(volunteer.id), "name": volunteer.contact.name,
                      "community": volunteer.community,
                      "registered_on": shanghai(volunteer.created_on)[:10],
                      # the identity 民发〔2015〕149号 asks for, when the person has one
                      **({"national_number": volunteer.contact.national_number}
                         if volunteer.contact.national_number else {})},
        "hours": str(sum((Decimal(str(s["hours"])) for s in services), Decimal(0))),
        "services": services,
        # Stated apart: hours recorded at the activities above are "hours"; hours an
        # administrator added afterwards, with a reason, are these.
        "added_hours": str(sum((Decimal(str(a["hours"])) for a in added), Decimal(0))),
        "added": added,
        "chain": {"store": store_name(app.store_url), "position": position,
                  "head_hash": head.hex()},
        "tree_head": tree_head.to_json(), "proofs": proofs,
    })


def _tree_head(key: Ed25519PrivateKey, store: str, chain: ChainedRecorder, position: int,
               head: bytes) -> Checkpoint:
    """The issuer's signed tree head at the certificate's position (not the head now: more
    events may have been stored since it was read)."""
    root = root_of(position, chain.tree_node)
    moment = datetime.now(UTC).isoformat(timespec="seconds")
    return Checkpoint(store, position, head, moment,
                      key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
                      key.sign(checkpoint_message(store, position, head, moment, root)),
                      tree_root=root, source="the certificate's tree head")


def check_certificate_offline(cert: dict[str, Any], issuer_keys: Iterable[bytes] = (),
                              trust_embedded: bool = False) -> list[str]:
    """What is wrong with the certificate checked from itself alone (empty when it holds):
    the issuer's signature and fields, the issuer's signed tree head at its position, and for
    every service the inclusion proof of its ServiceRecorded event in that tree."""
    problems = signature_problems(cert, issuer_keys, trust_embedded)
    if problems:
        return problems
    try:
        tree_head = Checkpoint.from_json(cert["tree_head"], source="the certificate's tree head")
        proofs = list(cert["proofs"])
    except (KeyError, TypeError, ValueError) as error:
        return [f"the certificate carries no readable tree head and proofs ({error}); check "
                "it against a bundle with --bundle"]
    chain, issuer = cert["chain"], bytes.fromhex(cert["signature"]["public_key"])
    if tree_head.public_key != issuer or tree_head.signature_problem([issuer]):
        return ["the certificate's tree head is not signed by its issuer"]
    if (tree_head.store, tree_head.event_count, tree_head.head_hash.hex()) != (
            chain["store"], chain["position"], chain["head_hash"]):
        return ["the certificate's tree head is not of its store, position and head hash"]
    if len(proofs) != len(cert["services"]):
        return [f"the certificate lists {len(cert['services'])} services but carries "
                f"{len(proofs)} proofs"]
    for number, (service, proof) in enumerate(zip(cert["services"], proofs, strict=True)):
        try:
            problem = inclusion_problem(proof, tree_head)
            event = proof["event"]
            state = json.loads(base64.b64decode(event["state"]))
            recorded = (event["originator_id"], event["topic"], event["position"],
                        str(UUID(state["order_id"]["_data_"])),
                        Decimal(state["hours"]["_data_"]))
        except (KeyError, TypeError, ValueError) as error:
            problem, recorded = f"it is unreadable ({error})", None
        if problem:
            problems.append(f"the proof of service {number}: {problem}")
        elif recorded != (cert["volunteer"]["id"], SERVICE_TOPIC, service["position"],
                          service["order_id"], Decimal(service["hours"])):
            problems.append(f"the proof of service {number} proves another event than the "
                            "service it stands beside")
    total = sum((Decimal(s["hours"]) for s in cert["services"]), Decimal(0))
    if not problems and Decimal(cert["hours"]) != total:
        problems.append(f"the certificate says {cert['hours']} hours; its services add up to "
                        f"{total}")
    return problems


def certificate_statement(body: dict[str, Any]) -> bytes:
    """The exact bytes the issuer signs: a header line, then every field of the certificate
    but its ``signature``, ``tree_head`` and ``proofs`` (signed and proved on their own) as
    JSON with sorted members, no spaces, UTF-8 unescaped."""
    fields = {name: value for name, value in body.items() if name not in UNSIGNED}
    return STATEMENT_HEADER + json.dumps(fields, sort_keys=True, ensure_ascii=False,
                                         separators=(",", ":")).encode("utf-8")


def sign_certificate(key: Ed25519PrivateKey, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` with its ``signature``: the Ed25519 signature of the statement of every field,
    and the statement itself, so that a checker can name a field changed after signing."""
    statement = certificate_statement(body)
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    return {**body, "signature": {
        "algorithm": "ed25519", "public_key": public.hex(),
        "statement": statement.decode("utf-8"), "value": key.sign(statement).hex()}}


def signature_problems(cert: dict[str, Any], issuer_keys: Iterable[bytes] = (),
                       trust_embedded: bool = False) -> list[str]:
    """What is wrong with the issuer's signature, and every field changed since it was
    signed, by name (empty when every printed field is as the issuer signed it)."""
    signed = cert.get("signature")
    if not isinstance(signed, dict):
        return ["the certificate is not signed by its issuer"]
    try:
        public = bytes.fromhex(str(signed["public_key"]))
        statement = str(signed["statement"]).encode("utf-8")
        Ed25519PublicKey.from_public_bytes(public).verify(bytes.fromhex(str(signed["value"])),
                                                          statement)
    except (KeyError, ValueError, InvalidSignature):
        return ["the issuer's signature does not verify over its statement and public key"]
    keys = list(issuer_keys)
    if not keys and not trust_embedded:
        return ["no issuer key is pinned: give the issuing centre's public key "
                "(--issuer-key), or trust the key the certificate carries knowingly "
                "(--trust-embedded-keys)"]
    if keys and public not in keys:
        return [f"the certificate is signed by key {public.hex()[:16]}..., which is not one "
                "of the pinned issuer keys"]
    if not statement.startswith(STATEMENT_HEADER):
        return ["the issuer's statement is not a civicvol certificate statement"]
    body = json.loads(statement[len(STATEMENT_HEADER):])
    printed = _leaves({k: v for k, v in cert.items() if k not in UNSIGNED})
    issued = _leaves(body)
    return [f"field {name} was changed after signing: it reads {printed.get(name)!r}, the "
            f"issuer signed {issued.get(name)!r}"
            for name in sorted(set(printed) | set(issued), key=_field_order)
            if printed.get(name, _ABSENT) != issued.get(name, _ABSENT)]


_ABSENT = object()


def _leaves(value: Any, path: str = "") -> dict[str, Any]:
    """Every field as a dotted path (services.0.date) and its value."""
    if isinstance(value, dict):
        items: Iterable[tuple[Any, Any]] = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return {path: value}
    leaves: dict[str, Any] = {}
    for name, inner in items:
        leaves.update(_leaves(inner, f"{path}.{name}" if path else str(name)))
    return leaves


def _field_order(name: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in name.split(".")]


def certificate_markdown(cert: dict[str, Any]) -> str:
    # the presentation is in the reader's language; the signed fields are shown as signed
    v, chain = cert["volunteer"], cert["chain"]
    count = len(cert["services"])
    lines = [
        f"# {cert['title']}", "",
        _("**No.** {number}  ").format(number=cert["number"]),
        _("**Issued by** {issuer} on {day}").format(issuer=cert["issuer"],
                                                   day=cert["issued_on"]), "",
        _("This certifies that volunteer **{name}** (id `{id}`, {community}, registered "
          "{day}) has served **{hours}** in {services}:").format(
            name=v["name"], id=v["id"], community=v["community"], day=v["registered_on"],
            hours=hours_text(cert["hours"]), services=ngettext(
                "{n} service", "{n} services", count).format(n=count)), "",
        *([_("National volunteer number: {number}").format(number=v["national_number"]), ""]
          if v.get("national_number") else []),
        "| " + " | ".join(_(h) for h in (N_("date"), N_("service"), N_("place"), N_("order"),
                                          N_("hours"))) + " |", "|---|---|---|---|---|",
        *[f"| {s['date']} | {s['service']} | {s['place'] or '-'} | `{s['order_id']}` | "
          f"{s['hours']} |" for s in cert["services"]],
        *_added_lines(cert),
        "", f"Issued at position {chain['position']} of the store's hash chain, head hash "
        f"`{chain['head_hash']}`.", "",
        "Check it with an audit bundle of the store that reaches this position: "
        "`civicvol audit check-certificate CERT.json --bundle BUNDLE_DIR`.", "",
    ]
    return "\n".join(lines)


def _added_lines(cert: dict[str, Any]) -> list[str]:
    """Hours added afterwards, stated apart from the hours served at activities."""
    added = cert.get("added", [])
    if not added:
        return []
    return ["", f"Besides these, **{cert['added_hours']} hours** were added afterwards by an "
            "administrator (not recorded at an activity):", "",
            "| date | hours | reason |", "|---|---|---|",
            *[f"| {a['date']} | {a['hours']} | {a['reason']} |" for a in added]]


def load_certificate(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CertificateError(_("cannot read certificate {path}: {error}; give the JSON "
                                 "file of a certificate civicvol wrote").format(
                                 path=path, error=error)).hinted(
                                 _("'civicvol certificate ID --out FILE' writes one")) from None
    if not isinstance(data, dict) or data.get("format") != CERTIFICATE_FORMAT:
        raise CertificateError(_("{path} is not a civicvol service certificate (JSON)").format(
                                 path=path)).hinted(
                                 _("'civicvol certificate ID --json' writes one"))
    return data


def check_certificate(cert: dict[str, Any], bundle: str | Path,
                      trusted_keys: Iterable[bytes] = (), trust_embedded: bool = False,
                      issuer_keys: Iterable[bytes] = ()) -> list[str]:
    """What is wrong with the certificate (empty when it holds): first its issuer's signature
    (by a pinned ``issuer_keys`` key) and every field changed since, by name; then against
    the bundle, whose checkpoints are trusted as in
    :func:`~civicvol.audit.verifier.verify_bundle`. ``trust_embedded`` knowingly trusts the
    keys the certificate and the checkpoints carry."""
    folder = Path(bundle)
    try:
        result = verify_bundle(folder, trusted_keys=trusted_keys,
                               trust_embedded=trust_embedded)
    except (OSError, ValueError) as error:
        raise CertificateError(_("cannot read audit bundle {folder}: {error}; give the "
                                 "folder of an audit export").format(
                                 folder=folder, error=error)).hinted(
                                 _("'civicvol audit export' writes one")) from None
    problems = signature_problems(cert, issuer_keys, trust_embedded)
    if problems:  # the printed fields are not the issuer's: nothing else is worth checking
        return problems
    if not result.intact:
        return [f"the bundle does not verify: {result.finding}"]
    position, head = int(cert["chain"]["position"]), cert["chain"]["head_hash"]
    volunteer = cert["volunteer"]["id"]
    at_position: BundleEvent | None = None
    services: list[dict[str, Any]] = []
    added: list[tuple[Decimal, int]] = []
    for event in _bundle_events(folder / EVENTS_FILE):
        if event.position > position:
            break
        if event.position == position:
            at_position = event
        if event.originator_id == volunteer and event.topic == SERVICE_TOPIC:
            state = json.loads(event.state)
            services.append({"order_id": str(UUID(state["order_id"]["_data_"])),
                             "hours": state["hours"]["_data_"], "position": event.position})
        elif event.originator_id == volunteer and event.topic == ADDED_TOPIC:
            state = json.loads(event.state)
            added.append((Decimal(state["hours"]["_data_"]), event.position))
    if at_position is None and position > 0:
        return [f"the bundle ends before position {position}; export a newer bundle"]
    elif at_position is not None and at_position.hash.hex() != head:
        problems.append(f"the chain's hash at position {position} is {at_position.hash.hex()},"
                        f" not the certificate's {head}")
    claimed = [(s["order_id"], Decimal(s["hours"]), s["position"]) for s in cert["services"]]
    found = [(s["order_id"], Decimal(s["hours"]), s["position"]) for s in services]
    if claimed != found:
        problems.append(f"the certificate lists services {_short(claimed)} but the history up "
                        f"to position {position} records {_short(found)}")
    total = sum((h for _, h, _ in found), Decimal(0))
    if Decimal(cert["hours"]) != total:
        problems.append(f"the certificate says {cert['hours']} hours; the history records "
                        f"{total}")
    stated = [(Decimal(a["hours"]), a["position"]) for a in cert.get("added", [])]
    if stated != added:
        problems.append(f"the certificate states added hours {stated} but the history up to "
                        f"position {position} records {added}")
    return problems


def _bundle_events(path: Path) -> Iterator[BundleEvent]:
    with open(path, "rb") as file:
        for line in file:
            yield parse_event_line(line.rstrip(b"\n"))


def _short(services: list[tuple[str, Decimal, int]]) -> str:
    return "[" + ", ".join(f"{o[:8]}… {h} h @{p}" for o, h, p in services) + "]"

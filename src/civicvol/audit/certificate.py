"""志愿服务记录证明: a volunteer's certificate of service hours, checkable against a bundle.

A certificate states the volunteer's identity, every service (order, date, hours) and the
total hours, who issued it, its number and issue date, and the position and head hash of
the hash chain it was issued at. Anyone holding an audit bundle of the store that reaches
that position can check it without the database (:func:`check_certificate`): the bundle
verifies, its hash at that position is the certificate's, and the volunteer's
``ServiceRecorded`` events up to that position add up to the certificate's services and
hours. The bundle's personal data is sealed, so the name cannot be checked from it; the
volunteer id, hours, dates and orders can.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID

from civicvol.app.application import CivicVol
from civicvol.app.report import event_topic
from civicvol.audit.history import events_of, shanghai
from civicvol.audit.recorders import as_chained
from civicvol.audit.verifier import EVENTS_FILE, BundleEvent, parse_event_line, verify_bundle
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import CivicVolError, NotFound
from civicvol.domain.values import check_name
from civicvol.domain.volunteer import Volunteer

CERTIFICATE_FORMAT = "civicvol-service-certificate"
CERTIFICATE_VERSION = 1
DEFAULT_ISSUER = "盘龙区新时代文明实践中心"
SERVICE_TOPIC = event_topic(Volunteer, "ServiceRecorded")


class CertificateError(CivicVolError):
    """A certificate file that cannot be read or checked."""

    exit_code = 2


def issue_certificate(app: CivicVol, volunteer_id: UUID | str,
                      issuer: str = DEFAULT_ISSUER) -> dict[str, Any]:
    """The certificate of every service recorded up to the chain's head at this moment."""
    issuer = check_name(issuer, "certificate's issuer")
    chain = as_chained(app.recorder)
    position, head = chain.chain_head()
    volunteer = app.volunteer(volunteer_id)
    services: list[dict[str, str | int]] = []
    for event in events_of(app, volunteer.id):
        if type(event).__name__ != "ServiceRecorded":
            continue
        link = chain.chain_link_of(str(volunteer.id), event.originator_version)
        if link is None or link.position > position:
            continue
        try:
            order = app.order(event.order_id)
            service, place = order.service, order.place
        except NotFound:  # service recorded for a record that is not a core order
            service, place = "-", ""
        services.append({"date": shanghai(event.timestamp)[:10],
                         "order_id": str(event.order_id), "service": service, "place": place,
                         "hours": str(event.hours), "position": link.position})
    issued = datetime.now(DISTRICT_TIME)
    number = "CV-{}-{}".format(issued.strftime("%Y%m%d"), hashlib.sha256(
        f"{volunteer.id}:{position}:{head.hex()}".encode()).hexdigest()[:10].upper())
    return {
        "format": CERTIFICATE_FORMAT, "format_version": CERTIFICATE_VERSION,
        "title": "志愿服务记录证明 (volunteer service record certificate)",
        "number": number, "issuer": issuer, "issued_on": issued.date().isoformat(),
        "volunteer": {"id": str(volunteer.id), "name": volunteer.contact.name,
                      "community": volunteer.community,
                      "registered_on": shanghai(volunteer.created_on)[:10]},
        "hours": str(sum((Decimal(str(s["hours"])) for s in services), Decimal(0))),
        "services": services,
        "chain": {"store": app.store_url, "position": position, "head_hash": head.hex()},
    }


def certificate_markdown(cert: dict[str, Any]) -> str:
    v, chain = cert["volunteer"], cert["chain"]
    lines = [
        f"# {cert['title']}", "",
        f"**No.** {cert['number']}  ", f"**Issued by** {cert['issuer']} "
        f"on {cert['issued_on']}", "",
        f"This certifies that volunteer **{v['name']}** (id `{v['id']}`, {v['community']}, "
        f"registered {v['registered_on']}) has served **{cert['hours']} hours** in "
        f"{len(cert['services'])} services:", "",
        "| date | service | place | order | hours |", "|---|---|---|---|---|",
        *[f"| {s['date']} | {s['service']} | {s['place'] or '-'} | `{s['order_id']}` | "
          f"{s['hours']} |" for s in cert["services"]],
        "", f"Issued at position {chain['position']} of the store's hash chain, head hash "
        f"`{chain['head_hash']}`.", "",
        "Check it with an audit bundle of the store that reaches this position: "
        "`civicvol audit check-certificate CERT.json --bundle BUNDLE_DIR`.", "",
    ]
    return "\n".join(lines)


def load_certificate(path: str | Path) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CertificateError(f"cannot read certificate {path}: {error}; give the FILE.json "
                               "written by 'civicvol certificate ID --out FILE'") from None
    if not isinstance(data, dict) or data.get("format") != CERTIFICATE_FORMAT:
        raise CertificateError(f"{path} is not a civicvol service certificate (JSON); write "
                               "one with 'civicvol certificate ID --json'")
    return data


def check_certificate(cert: dict[str, Any], bundle: str | Path) -> list[str]:
    """What is wrong with the certificate against the bundle (empty when it holds)."""
    folder = Path(bundle)
    try:
        result = verify_bundle(folder)
    except (OSError, ValueError) as error:
        raise CertificateError(f"cannot read audit bundle {folder}: {error}; give the folder "
                               "written by 'civicvol audit export'") from None
    if not result.intact:
        return [f"the bundle does not verify: {result.finding}"]
    position, head = int(cert["chain"]["position"]), cert["chain"]["head_hash"]
    volunteer = cert["volunteer"]["id"]
    problems: list[str] = []
    at_position: BundleEvent | None = None
    services: list[dict[str, Any]] = []
    for event in _bundle_events(folder / EVENTS_FILE):
        if event.position > position:
            break
        if event.position == position:
            at_position = event
        if event.originator_id == volunteer and event.topic == SERVICE_TOPIC:
            state = json.loads(event.state)
            services.append({"order_id": str(UUID(state["order_id"]["_data_"])),
                             "hours": state["hours"]["_data_"], "position": event.position})
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
    return problems


def _bundle_events(path: Path) -> Iterator[BundleEvent]:
    with open(path, "rb") as file:
        for line in file:
            yield parse_event_line(line.rstrip(b"\n"))


def _short(services: list[tuple[str, Decimal, int]]) -> str:
    return "[" + ", ".join(f"{o[:8]}… {h} h @{p}" for o, h, p in services) + "]"

"""The QR code printed on a paper certificate: what a verifier needs, signed by the issuer.

The payload (compact JSON) names the certificate (number, volunteer id, hours, issue date),
binds it to the signed certificate (the SHA-256 of the issuer's statement, see
:func:`~civicvol.audit.certificate.certificate_statement`) and to the history (store,
position, head hash and tree root of the certificate's signed tree head), and carries the
issuer's public key and Ed25519 signature over all of these. So a scanned QR can be checked
alone (who signed it, for what hours), against the certificate's JSON (the same statement,
then its inclusion proofs), and against an audit bundle of the store.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from civicvol.audit.certificate import (
    CertificateError,
    certificate_statement,
    check_certificate,
    check_certificate_offline,
)
from civicvol.i18n import _

QR_FORMAT = "civicvol-certificate-qr"
QR_VERSION = 1
QR_HEADER = b"civicvol certificate qr v1\n"
SIGNED_FIELDS = ("f", "v", "number", "volunteer", "hours", "issued_on", "statement_sha256",
                 "store", "position", "head_hash", "tree_root", "key")


def qr_payload(cert: dict[str, Any], key: Ed25519PrivateKey) -> str:
    """The QR's text for ``cert``, signed with the issuer's ``key`` (the certificate's own)."""
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    if cert.get("signature", {}).get("public_key") != public:
        raise CertificateError(_("the key given is not the key that signed this "
                                 "certificate; give the issuer's key the certificate was "
                                 "issued with"))
    chain = cert["chain"]
    body: dict[str, Any] = {
        "f": QR_FORMAT, "v": QR_VERSION, "number": cert["number"],
        "volunteer": cert["volunteer"]["id"], "hours": cert["hours"],
        "issued_on": cert["issued_on"],
        "statement_sha256": hashlib.sha256(certificate_statement(cert)).hexdigest(),
        "store": chain["store"], "position": chain["position"],
        "head_hash": chain["head_hash"],
        "tree_root": (cert.get("tree_head") or {}).get("tree_root"), "key": public,
    }
    body["sig"] = key.sign(_message(body)).hex()
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


def _message(body: dict[str, Any]) -> bytes:
    fields = {name: body.get(name) for name in SIGNED_FIELDS}
    return QR_HEADER + json.dumps(fields, sort_keys=True, ensure_ascii=False,
                                  separators=(",", ":")).encode("utf-8")


def read_qr(text: str) -> dict[str, Any]:
    """The payload read from a scanned QR's text (or a file holding it)."""
    candidate = text.strip()
    if not candidate.startswith("{") and Path(candidate).is_file():
        candidate = Path(candidate).read_text(encoding="utf-8").strip()
    try:
        payload = json.loads(candidate)
    except ValueError:
        payload = None
    if not isinstance(payload, dict) or payload.get("f") != QR_FORMAT:
        raise CertificateError(_("this is not the QR code of a civicvol certificate; give "
                                 "the text the QR decodes to (or a file holding it)"))
    if payload.get("v") != QR_VERSION:
        raise CertificateError(_("QR payload version {found!r} is not known here (this "
                                 "civicvol reads version {known}); update civicvol").format(
                                     found=payload.get("v"), known=QR_VERSION))
    return payload


def check_qr(payload: dict[str, Any], issuer_keys: Iterable[bytes] = (),
             trust_embedded: bool = False, cert: dict[str, Any] | None = None,
             bundle: Path | None = None, trusted_keys: Iterable[bytes] = ()) -> list[str]:
    """What is wrong with a scanned QR (empty when it holds): the issuer's signature over
    it (by a pinned key); with ``cert``, that it is that certificate's QR and the certificate
    holds (its proofs, or against ``bundle``)."""
    keys = list(issuer_keys)
    try:
        public = bytes.fromhex(str(payload["key"]))
        Ed25519PublicKey.from_public_bytes(public).verify(bytes.fromhex(str(payload["sig"])),
                                                          _message(payload))
    except (KeyError, ValueError, InvalidSignature):
        return [_("the QR's signature does not verify: it was not made by the key it names, "
                  "or a field was changed")]
    if not keys and not trust_embedded:
        return [_("no issuer key is pinned: give the issuing centre's public key "
                  "(--issuer-key), or trust the key the QR carries knowingly "
                  "(--trust-embedded-keys)")]
    if keys and public not in keys:
        return [_("the QR is signed by key {key}..., which is not one of the pinned issuer "
                  "keys").format(key=public.hex()[:16])]
    if cert is None:
        return []
    chain = cert.get("chain", {})
    expected = {"number": cert.get("number"), "volunteer": cert.get("volunteer", {}).get("id"),
                "hours": cert.get("hours"), "issued_on": cert.get("issued_on"),
                "statement_sha256": hashlib.sha256(certificate_statement(cert)).hexdigest(),
                "store": chain.get("store"), "position": chain.get("position"),
                "head_hash": chain.get("head_hash"),
                "tree_root": (cert.get("tree_head") or {}).get("tree_root"),
                "key": (cert.get("signature") or {}).get("public_key")}
    problems = [_("the QR's {field} is {qr!r}, the certificate's {cert!r}").format(
                    field=name, qr=payload.get(name), cert=value)
                for name, value in expected.items() if payload.get(name) != value]
    if problems:
        return [_("the QR is not this certificate's:"), *problems]
    if bundle is not None:
        return check_certificate(cert, bundle, trusted_keys, trust_embedded, keys)
    return check_certificate_offline(cert, keys, trust_embedded)

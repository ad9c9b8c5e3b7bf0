"""Signing keys and signed checkpoints: "this store had N events, head hash H", as files that
auditors keep out of the database's reach."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol, TypeVar

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from civicvol.audit.tree import root_of
from civicvol.audit.verifier import (
    Checkpoint,
    checkpoint_message,
    load_checkpoint,
    load_public_key,
)
from civicvol.domain.errors import CivicVolError
from civicvol.i18n import _

T = TypeVar("T")


class AuditFileError(CivicVolError):
    """A key, checkpoint or bundle file is missing, unreadable or not what it should be."""

    exit_code = 2


def public_key_path(key_path: Path) -> Path:
    return key_path.with_name(key_path.name + ".pub")


def generate_key(out: Path) -> tuple[Path, bytes]:
    """Write a new Ed25519 private key (PEM, mode 0600) and its public key beside it (.pub).

    Returns the public key file and the raw public key. Refuses to overwrite a key.
    """
    pub_path = public_key_path(out)
    for path in (out, pub_path):
        if path.exists():
            raise AuditFileError(_("{path} exists already; choose another file (a signing "
                                   "key is never overwritten)").format(path=path)).hinted(
                _("give another --out"))
    if not out.resolve().parent.is_dir():
        raise AuditFileError(_("the folder of {out} does not exist; create it first").format(
                               out=out))
    key = Ed25519PrivateKey.generate()
    private_pem = key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    # Created with 0600 from the start, so the key is never readable by others.
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(private_pem)
    public = key.public_key()
    pub_path.write_bytes(public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo))
    return pub_path, public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise AuditFileError(_("cannot read the signing key {path}: {error}; make a signing "
                               "key first").format(path=path, error=error)).hinted(
            _("'civicvol audit keygen --out FILE' makes one")) from None
    if not isinstance(key, Ed25519PrivateKey):
        raise AuditFileError(_("{path} is not an Ed25519 key; make a signing key "
                               "first").format(path=path)).hinted(
            _("'civicvol audit keygen --out FILE' makes one"))
    return key


class ChainHead(Protocol):
    """Anything that knows a chain's head and its Merkle tree's nodes: a chained recorder, or
    a backup's copy of it."""

    def chain_head(self) -> tuple[int, bytes]: ...

    def tree_node(self, level: int, index: int) -> bytes: ...


def sign_checkpoint(key: Ed25519PrivateKey, store: str, recorder: ChainHead,
                    signed_at: datetime | None = None) -> Checkpoint:
    """A checkpoint of the chain's head and the Merkle tree head now (a signed tree head),
    signed with ``key``. The head is read before the tree: both of one moment, since the
    tree of ``count`` entries never changes once written."""
    count, head = recorder.chain_head()
    root = root_of(count, recorder.tree_node)
    moment = (signed_at or datetime.now(UTC)).isoformat(timespec="seconds")
    return Checkpoint(
        store=store, event_count=count, head_hash=head, signed_at=moment,
        public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        signature=key.sign(checkpoint_message(store, count, head, moment, root)),
        tree_root=root,
    )


def write_checkpoint(checkpoint: Checkpoint, out: Path) -> None:
    if out.exists():
        raise AuditFileError(_("{out} exists already; checkpoints are kept, not "
                               "overwritten: choose another file").format(out=out)).hinted(
            _("give another --out"))
    out.write_text(json.dumps(checkpoint.to_json(), indent=2) + "\n", encoding="utf-8")


def read_checkpoints(paths: Iterable[Path]) -> list[Checkpoint]:
    return _read_each(paths, load_checkpoint, "checkpoint",
                      "give a file written by 'civicvol audit checkpoint'")


def read_public_keys(paths: Iterable[Path]) -> list[bytes]:
    """The raw Ed25519 public keys in ``paths`` (the .pub files of 'civicvol audit keygen')."""
    return _read_each(paths, load_public_key, "public key",
                      "give the .pub file written by 'civicvol audit keygen'")


def _read_each(paths: Iterable[Path], load: Callable[[Path], T], what: str,
               remedy: str) -> list[T]:
    loaded = []
    for path in paths:
        try:
            loaded.append(load(path))
        except (OSError, ValueError) as error:
            raise AuditFileError(_("cannot read {what} {path}: {error}; {remedy}").format(
                                   what=what, path=path, error=error, remedy=remedy)) from None
    return loaded

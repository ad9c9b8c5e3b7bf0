"""The stand-alone verifier of civicvol's hash chain, checkpoints and audit bundles.

This module depends only on Python's standard library and ``cryptography``, so that an auditor
can copy this one file and check a bundle without civicvol, eventsourcing or the database::

    python verifier.py BUNDLE_DIR (--public-key KEY.pub ... | --trust-embedded-keys)

The format it checks is specified in ``docs/audit/bundle-format.md``. :func:`chain_hash` here is
the definition of the framing; the recorders' write path frames the same bytes inline
(:func:`civicvol.audit.chain.link_rows`), and a test checks that both agree.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import sys
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# cryptography is imported where a signature or a key is read: the store's own hash chain
# uses this module's constants at every start, and needs none of it.

CHAIN_TAG = b"civicvol/chain/v1"
HASH_ALGORITHM = "sha256"
GENESIS = bytes(32)  # the "previous hash" of position 1
BUNDLE_FORMAT = "civicvol-audit-bundle"
BUNDLE_FORMAT_VERSION = 1
CHECKPOINT_FORMAT = "civicvol-checkpoint"
CHECKPOINT_FORMAT_VERSION = 1
EVENTS_FILE = "events.jsonl"
MANIFEST_FILE = "manifest.json"
EVENT_KEYS = frozenset(("position", "originator_id", "originator_version", "topic", "state",
                        "prev_hash", "hash"))

# The kinds of damage a verification reports.
CHANGED = "changed"
MISSING = "missing"
INSERTED = "inserted"
REORDERED = "reordered"
TRUNCATED = "truncated"
CHECKPOINT_MISMATCH = "checkpoint-mismatch"
BAD_SIGNATURE = "bad-signature"
TREE_MISMATCH = "tree-mismatch"  # the stored Merkle tree is not the tree of the chain
HIDDEN = "hidden"  # a stored row that the chain's walk in notification order never reaches


def _frame(field_bytes: bytes) -> bytes:
    return len(field_bytes).to_bytes(8, "big") + field_bytes


def chain_hash(prev_hash: bytes, position: int, originator_id: str, originator_version: int,
               topic: str, state: bytes) -> bytes:
    """SHA-256 over the length-prefixed fields (tag, prev hash, position, originator id,
    version, topic, stored state bytes); integers as decimal ASCII, text as UTF-8."""
    return hashlib.sha256(b"".join((
        _frame(CHAIN_TAG),
        _frame(prev_hash),
        _frame(str(position).encode("ascii")),
        _frame(originator_id.encode("utf-8")),
        _frame(str(originator_version).encode("ascii")),
        _frame(topic.encode("utf-8")),
        _frame(state),
    ))).digest()


@dataclass(frozen=True)
class Finding:
    """The first thing wrong: the chain position where it is, its kind, and what was seen."""

    position: int
    kind: str
    detail: str

    def __str__(self) -> str:
        return f"position {self.position}: {self.kind}: {self.detail}"


@dataclass
class VerificationResult:
    """What a verification saw: how many events it checked, the head hash it computed,
    and the first finding (None when the history is intact)."""

    event_count: int = 0
    head_hash: bytes = GENESIS
    finding: Finding | None = None
    checkpoints_checked: int = 0

    @property
    def intact(self) -> bool:
        return self.finding is None


# --- the Merkle tree (RFC 9162 §2.1) ------------------------------------------------------------
# The leaves are the chain's entries: leaf i (from 0) is the chain hash at position i + 1.
EMPTY_TREE = hashlib.sha256(b"").digest()
Subtree = Callable[[int, int], bytes]
"""MTH of the leaves [start, end) of the tree, however the caller keeps them."""


def leaf_hash(entry: bytes) -> bytes:
    """MTH({d}) = SHA-256(0x00 || d)."""
    return hashlib.sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """SHA-256(0x01 || left || right)."""
    return hashlib.sha256(b"\x01" + left + right).digest()


def split_point(n: int) -> int:
    """k, the largest power of two smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def tree_hash(leaf_hashes: list[bytes]) -> bytes:
    """MTH(D[n]) from the leaves' hashes."""
    return subtree_of(leaf_hashes)(0, len(leaf_hashes)) if leaf_hashes else EMPTY_TREE


def subtree_of(leaf_hashes: list[bytes]) -> Subtree:
    """MTH over ranges of an in-memory list of leaf hashes (the reference for stored trees)."""
    def mth(start: int, end: int) -> bytes:
        if end - start == 1:
            return leaf_hashes[start]
        k = split_point(end - start)
        return node_hash(mth(start, start + k), mth(start + k, end))
    return mth


def inclusion_path(index: int, size: int, subtree: Subtree) -> list[bytes]:
    """PATH(m, D[n]) of RFC 9162 §2.1.3.1: the audit path of leaf ``index`` in a tree of
    ``size`` leaves, each node as ``subtree`` computes it."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} is outside a tree of {size} leaves")
    path: list[bytes] = []
    start, end = 0, size
    while end - start > 1:  # from the root down; the path lists nodes from the leaf up
        k = split_point(end - start)
        if index < start + k:
            path.append(subtree(start + k, end))
            end = start + k
        else:
            path.append(subtree(start, start + k))
            start += k
    return path[::-1]


def consistency_path(first: int, size: int, subtree: Subtree) -> list[bytes]:
    """PROOF(m, D[n]) of RFC 9162 §2.1.4.1 for 0 < ``first`` <= ``size``."""
    if not 0 < first <= size:
        raise ValueError(f"no consistency proof from {first} to {size} leaves")
    proof: list[bytes] = []
    start, end, complete = 0, size, True
    while end - start != first - start or not complete:
        m = first - start
        if m == end - start:  # SUBPROOF(m, D[m], false) = {MTH(D[m])}
            proof.append(subtree(start, end))
            break
        k = split_point(end - start)
        if m <= k:
            proof.append(subtree(start + k, end))
            end = start + k
        else:
            proof.append(subtree(start, start + k))
            start, complete = start + k, False
    return proof[::-1]


def verify_inclusion(entry_hash: bytes, index: int, size: int, path: list[bytes],
                     root: bytes) -> bool:
    """RFC 9162 §2.1.3.2: whether ``path`` proves leaf hash ``entry_hash`` at ``index`` in
    the tree of ``size`` leaves with ``root``."""
    if not 0 <= index < size or any(len(p) != 32 for p in path):
        return False
    fn, sn, r = index, size - 1, entry_hash
    for p in path:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and r == root


def verify_consistency(first: int, first_root: bytes, size: int, root: bytes,
                       proof: list[bytes]) -> bool:
    """RFC 9162 §2.1.4.2: whether ``proof`` shows the tree of ``first`` leaves with
    ``first_root`` is a prefix of the tree of ``size`` leaves with ``root``."""
    if any(len(p) != 32 for p in proof) or not 0 <= first <= size:
        return False
    if first == size:
        return not proof and first_root == root
    if first == 0:
        return not proof and first_root == EMPTY_TREE
    if not proof:
        return False
    if first & (first - 1) == 0:  # an exact power of two: the old root is a node of the new
        proof = [first_root, *proof]
    fn, sn = first - 1, size - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            while not fn & 1 and fn != 0:
                fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    return sn == 0 and fr == first_root and sr == root


class TreeFrontier:
    """The tree head as entries are appended one by one, in O(log n) memory: the roots of
    the complete subtrees along the right edge (RFC 9162's tree, left-heavy)."""

    def __init__(self) -> None:
        self.stack: list[tuple[int, bytes]] = []  # (leaves below, root), widest first

    def append(self, entry: bytes) -> None:
        width, node = 1, leaf_hash(entry)
        while self.stack and self.stack[-1][0] == width:
            _, left = self.stack.pop()
            width, node = width * 2, node_hash(left, node)
        self.stack.append((width, node))

    def root(self) -> bytes:
        if not self.stack:
            return EMPTY_TREE
        node = self.stack[-1][1]
        for _, left in reversed(self.stack[:-1]):
            node = node_hash(left, node)
        return node


# --- proofs --------------------------------------------------------------------------------
INCLUSION_PROOF_FORMAT = "civicvol-inclusion-proof"
CONSISTENCY_PROOF_FORMAT = "civicvol-consistency-proof"
PROOF_FORMAT_VERSION = 1


def _hashes(items: Any) -> list[bytes]:
    if not isinstance(items, list):
        raise ValueError("a proof's hashes must be a list")
    return [_unhex(item, 32) for item in items]


def inclusion_problem(proof: dict[str, Any], checkpoint: Checkpoint) -> str:
    """Why an inclusion proof does not show its event in the tree the (already trusted)
    ``checkpoint`` signed ('' when it does). Raises ValueError if the proof is malformed."""
    if proof.get("format") != INCLUSION_PROOF_FORMAT or \
            proof.get("format_version") != PROOF_FORMAT_VERSION:
        raise ValueError("not a civicvol inclusion proof (format 1)")
    event = parse_event_line(json.dumps(proof["event"], ensure_ascii=True,
                                        separators=(",", ":")).encode("ascii"))
    size, path = _int(proof["tree_size"]), _hashes(proof["audit_path"])
    if checkpoint.tree_root is None:
        return f"checkpoint {checkpoint.source} has no tree head (a v1 checkpoint)"
    if proof.get("store") != checkpoint.store or size != checkpoint.event_count:
        return (f"the proof is for {size} events of {proof.get('store')!r}; checkpoint "
                f"{checkpoint.source} signed {checkpoint.event_count} of {checkpoint.store!r}")
    if event.recomputed(event.prev_hash, event.position) != event.hash:
        return (f"the event at position {event.position} does not hash to its chain hash: "
                "its bytes, topic or identity were changed")
    if not verify_inclusion(leaf_hash(event.hash), event.position - 1, size, path,
                            checkpoint.tree_root):
        return (f"the audit path does not lead from the event at position {event.position} "
                f"to the tree head checkpoint {checkpoint.source} signed")
    return ""


def consistency_problem(proof: dict[str, Any], old: Checkpoint, new: Checkpoint) -> str:
    """Why a consistency proof does not show ``old``'s tree is a prefix of ``new``'s ('' when
    it does). Raises ValueError if the proof is malformed."""
    if proof.get("format") != CONSISTENCY_PROOF_FORMAT or \
            proof.get("format_version") != PROOF_FORMAT_VERSION:
        raise ValueError("not a civicvol consistency proof (format 1)")
    first, size = _int(proof["first_size"]), _int(proof["tree_size"])
    hashes = _hashes(proof["proof"])
    if old.tree_root is None or new.tree_root is None:
        return "both checkpoints must carry tree heads (v2 checkpoints)"
    if (first, size) != (old.event_count, new.event_count) or \
            not proof.get("store") == old.store == new.store:
        return (f"the proof is from {first} to {size} events of {proof.get('store')!r}; the "
                f"checkpoints signed {old.event_count} of {old.store!r} and "
                f"{new.event_count} of {new.store!r}")
    if not verify_consistency(first, old.tree_root, size, new.tree_root, hashes):
        return (f"the tree of {size} events that checkpoint {new.source} signed does not "
                f"extend the tree of {first} that checkpoint {old.source} signed: the history "
                "was rewritten between them")
    return ""


# --- checkpoints -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Checkpoint:
    """A signed statement: the store ``store`` had ``event_count`` events, head ``head_hash``."""

    store: str
    event_count: int
    head_hash: bytes
    signed_at: str
    public_key: bytes
    signature: bytes
    tree_root: bytes | None = None  # the Merkle tree head of the first event_count entries
    source: str = field(default="", compare=False)

    def message(self) -> bytes:
        return checkpoint_message(self.store, self.event_count, self.head_hash, self.signed_at,
                                  self.tree_root)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "format": CHECKPOINT_FORMAT,
            "format_version": CHECKPOINT_FORMAT_VERSION if self.tree_root is None else 2,
            "store": self.store,
            "event_count": self.event_count,
            "head_hash": self.head_hash.hex(),
        }
        if self.tree_root is not None:
            data["tree_size"] = self.event_count
            data["tree_root"] = self.tree_root.hex()
        return {**data, "signed_at": self.signed_at, "algorithm": "ed25519",
                "public_key": self.public_key.hex(), "signature": self.signature.hex()}

    @classmethod
    def from_json(cls, data: Any, source: str = "") -> Checkpoint:
        """Read a checkpoint object; raises ValueError saying what is malformed."""
        if not isinstance(data, dict) or data.get("format") != CHECKPOINT_FORMAT:
            raise ValueError(f"{source or 'checkpoint'} is not a civicvol checkpoint")
        version = data.get("format_version")
        if version not in (CHECKPOINT_FORMAT_VERSION, 2):
            raise ValueError(f"{source}: unknown checkpoint format version {version!r}")
        try:
            count = data["event_count"]
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise ValueError("event_count must be a whole number")
            root = None
            if version == 2:  # a signed tree head too
                if data["tree_size"] != count:
                    raise ValueError("tree_size must be event_count")
                root = _unhex(data["tree_root"], 32)
            return cls(store=str(data["store"]), event_count=count,
                       head_hash=_unhex(data["head_hash"], 32),
                       signed_at=str(data["signed_at"]),
                       public_key=_unhex(data["public_key"], 32),
                       signature=_unhex(data["signature"], 64), tree_root=root, source=source)
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"{source or 'checkpoint'} is malformed: {error}") from None

    def signature_problem(self, trusted_keys: Iterable[bytes] = ()) -> str:
        """Why the signature cannot be trusted ('' when it can)."""
        trusted = list(trusted_keys)
        if trusted and self.public_key not in trusted:
            return (f"checkpoint {self.source} is signed by key {self.public_key.hex()[:16]}..., "
                    "which is not one of the trusted public keys")
        from cryptography.exceptions import InvalidSignature
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(self.signature,
                                                                       self.message())
        except (InvalidSignature, ValueError):
            return (f"the signature of checkpoint {self.source} does not match its statement "
                    "and public key")
        return ""


def checkpoint_message(store: str, event_count: int, head_hash: bytes, signed_at: str,
                       tree_root: bytes | None = None) -> bytes:
    """The exact bytes an Ed25519 checkpoint signature covers (v2 with the tree head)."""
    if tree_root is None:
        return (f"civicvol checkpoint v1\nstore: {store}\nevent_count: {event_count}\n"
                f"head_hash: {head_hash.hex()}\nsigned_at: {signed_at}\n").encode()
    return (f"civicvol checkpoint v2\nstore: {store}\nevent_count: {event_count}\n"
            f"head_hash: {head_hash.hex()}\ntree_size: {event_count}\n"
            f"tree_root: {tree_root.hex()}\nsigned_at: {signed_at}\n").encode()


def load_checkpoint(path: str | Path) -> Checkpoint:
    with open(path, encoding="utf-8") as file:
        return Checkpoint.from_json(json.load(file), source=str(path))


def load_public_key(path: str | Path) -> bytes:
    """The raw 32 bytes of an Ed25519 public key in a PEM file (or a hex line)."""
    data = Path(path).read_bytes()
    if data.lstrip().startswith(b"-----BEGIN"):
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
        from cryptography.hazmat.primitives.serialization import (
            Encoding,
            PublicFormat,
            load_pem_public_key,
        )

        key = load_pem_public_key(data)
        if not isinstance(key, Ed25519PublicKey):
            raise ValueError(f"{path} is not an Ed25519 public key")
        return key.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return _unhex(data.decode("ascii").strip(), 32)


class CheckpointWatch:
    """Compares the running head with every checkpoint as the walk passes its event count."""

    def __init__(self, checkpoints: Iterable[Checkpoint]) -> None:
        self.pending = sorted(checkpoints, key=lambda c: c.event_count)
        self.checked = 0

    def signatures(self, trusted_keys: Iterable[bytes], trust_embedded: bool = False
                   ) -> Finding | None:
        """The first checkpoint that cannot be trusted, if any.

        A checkpoint is trusted when its signature verifies with a key the auditor pinned
        (``trusted_keys``), every pinned key signed at least one of the checkpoints, and, only
        when no key is pinned and ``trust_embedded`` says so knowingly, with the key it
        carries itself (which anyone who rewrote the history could have made)."""
        trusted = list(trusted_keys)
        if self.pending and not trusted and not trust_embedded:
            first = self.pending[0]
            return Finding(first.event_count, BAD_SIGNATURE,
                           f"no public key is pinned to check checkpoint {first.source}: give "
                           "the auditors' public key (--public-key), or trust the key the "
                           "checkpoint carries knowingly (--trust-embedded-keys)")
        for checkpoint in self.pending:
            problem = checkpoint.signature_problem(trusted)
            if problem:
                return Finding(checkpoint.event_count, BAD_SIGNATURE, problem)
        signers = {checkpoint.public_key for checkpoint in self.pending}
        for key in trusted:
            if key not in signers:
                return Finding(0, BAD_SIGNATURE,
                               f"the pinned public key {key.hex()[:16]}... signed none of the "
                               f"{len(self.pending)} checkpoint(s) present: give the "
                               "checkpoints that key signed (--checkpoint), or pin the key "
                               "that signed them")
        return None

    def passed(self, position: int, head: bytes, tree: TreeFrontier | None = None
               ) -> Finding | None:
        while self.pending and self.pending[0].event_count <= position:
            checkpoint = self.pending.pop(0)
            self.checked += 1
            if checkpoint.event_count == position and checkpoint.head_hash != head:
                return Finding(position, CHECKPOINT_MISMATCH,
                               f"the head at position {position} is {head.hex()}, but "
                               f"checkpoint {checkpoint.source} (signed {checkpoint.signed_at}) "
                               f"says {checkpoint.head_hash.hex()}: the history was rewritten")
            root = EMPTY_TREE if tree is None else tree.root()
            if (checkpoint.event_count == position and checkpoint.tree_root is not None
                    and checkpoint.tree_root != root):
                return Finding(position, CHECKPOINT_MISMATCH,
                               f"the Merkle tree head of the first {position} events is "
                               f"{root.hex()}, but checkpoint {checkpoint.source} says "
                               f"{checkpoint.tree_root.hex()}")
        return None

    def ended(self, count: int) -> Finding | None:
        if self.pending:
            checkpoint = self.pending[-1]
            return Finding(count + 1, TRUNCATED,
                           f"the log ends after {count} events, but checkpoint "
                           f"{checkpoint.source} says it had {checkpoint.event_count}")
        return None


# --- bundles ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class BundleEvent:
    position: int
    originator_id: str
    originator_version: int
    topic: str
    state: bytes
    prev_hash: bytes
    hash: bytes

    def recomputed(self, prev_hash: bytes, position: int) -> bytes:
        return chain_hash(prev_hash, position, self.originator_id, self.originator_version,
                          self.topic, self.state)


def _unhex(text: Any, size: int) -> bytes:
    if not isinstance(text, str) or text != text.lower():
        raise ValueError(f"{text!r} is not lowercase hex")
    value = bytes.fromhex(text)
    if len(value) != size:
        raise ValueError(f"{text!r} is not {size} bytes")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    return value


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"member {twice[0]!r} appears twice")
    return dict(pairs)


def parse_event_line(line: bytes) -> BundleEvent:
    """One line of events.jsonl (without its newline); ValueError if it is not exactly,
    byte for byte, the canonical form that :func:`event_line` writes."""
    data = json.loads(line.decode("utf-8"), object_pairs_hook=_no_duplicates)
    if not isinstance(data, dict) or set(data) != EVENT_KEYS:
        raise ValueError("not an event object with exactly the bundle's fields")
    state_text = data["state"]
    if not isinstance(state_text, str):
        raise ValueError("state is not base64 text")
    state = base64.b64decode(state_text, validate=True)
    if base64.b64encode(state).decode("ascii") != state_text:
        raise ValueError("state is not canonical base64")
    if not isinstance(data["originator_id"], str) or not isinstance(data["topic"], str):
        raise ValueError("originator_id and topic must be text")
    try:
        hyphenated = str(uuid.UUID(data["originator_id"]))
    except ValueError:
        hyphenated = ""
    if hyphenated != data["originator_id"]:
        raise ValueError(f"originator_id {data['originator_id']!r} is not a UUID in lowercase "
                         "hyphenated form")
    event = BundleEvent(position=_int(data["position"]), originator_id=data["originator_id"],
                        originator_version=_int(data["originator_version"]),
                        topic=data["topic"], state=state,
                        prev_hash=_unhex(data["prev_hash"], 32), hash=_unhex(data["hash"], 32))
    if event_line(event) != line + b"\n":
        raise ValueError("not in the canonical form (members in the specified order, no "
                         "spaces, \\u escapes only for non-ASCII characters, LF line ends)")
    return event


def event_line(event: BundleEvent) -> bytes:
    """The canonical JSON line of an event (the exporter writes exactly this)."""
    return json.dumps({
        "position": event.position,
        "originator_id": event.originator_id,
        "originator_version": event.originator_version,
        "topic": event.topic,
        "state": base64.b64encode(event.state).decode("ascii"),
        "prev_hash": event.prev_hash.hex(),
        "hash": event.hash.hex(),
    }, ensure_ascii=True, separators=(",", ":")).encode("ascii") + b"\n"


def _read_lines(path: Path) -> Iterator[tuple[int, BundleEvent | str]]:
    """(line number, event or why the line is unreadable), streaming."""
    with open(path, "rb") as file:
        for number, line in enumerate(file, start=1):
            if not line.endswith(b"\n"):
                yield number, "the last line is cut off (no newline)"
                continue
            try:
                yield number, parse_event_line(line[:-1])
            except (ValueError, UnicodeDecodeError, binascii.Error) as error:
                yield number, f"line {number} is not a readable event: {error}"


def _appears_later(path: Path, after_line: int, position: int) -> bool:
    """Whether a line after ``after_line`` claims ``position`` (only run on the error path)."""
    for number, item in _read_lines(path):
        if number > after_line and isinstance(item, BundleEvent) and item.position == position:
            return True
    return False


def read_manifest(directory: Path) -> dict[str, Any]:
    with open(directory / MANIFEST_FILE, encoding="utf-8") as file:
        manifest = json.load(file, object_pairs_hook=_no_duplicates)
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise ValueError(f"{directory / MANIFEST_FILE} is not a civicvol audit bundle manifest")
    if manifest.get("format_version") != BUNDLE_FORMAT_VERSION:
        raise ValueError(f"unknown bundle format version {manifest.get('format_version')!r}")
    if manifest.get("hash_algorithm") != HASH_ALGORITHM:
        raise ValueError(f"unknown hash algorithm {manifest.get('hash_algorithm')!r}")
    events_file = manifest.get("events_file", EVENTS_FILE)
    if (not isinstance(events_file, str) or events_file in ("", ".", "..")
            or Path(events_file).name != events_file or "\\" in events_file
            or (directory / events_file).resolve().parent != directory.resolve()):
        raise ValueError(f"events_file {events_file!r} is not a file name inside the bundle")
    return manifest


def manifest_problem(manifest: dict[str, Any], carried: list[Checkpoint],
                     extra: Iterable[Checkpoint]) -> Finding | None:
    """Where the manifest disagrees with the checkpoints it carries or is checked against."""
    listed = manifest.get("public_keys", [])
    signers = sorted({c.public_key.hex() for c in carried})
    if listed != signers:
        return Finding(0, BAD_SIGNATURE, f"the manifest's public_keys {listed} are not the "
                       f"keys of its checkpoints {signers}")
    for checkpoint in [*carried, *extra]:
        if checkpoint.store != manifest.get("store"):
            return Finding(checkpoint.event_count, CHECKPOINT_MISMATCH,
                           f"checkpoint {checkpoint.source} is of store {checkpoint.store!r}, "
                           f"but the bundle is of store {manifest.get('store')!r}")
    return None


def verify_bundle(directory: str | Path, extra_checkpoints: Iterable[Checkpoint] = (),
                  trusted_keys: Iterable[bytes] = (), trust_embedded: bool = False,
                  on_progress: Callable[[int], None] | None = None) -> VerificationResult:
    """Check a bundle: every hash, every link, every position, and every checkpoint (those in
    the manifest and ``extra_checkpoints``) against the pinned ``trusted_keys`` (or, only if
    ``trust_embedded``, the keys the checkpoints carry). Raises ValueError if the manifest is
    unreadable."""
    folder = Path(directory)
    manifest = read_manifest(folder)
    checkpoints = [Checkpoint.from_json(c, source=f"manifest checkpoint {i + 1}")
                   for i, c in enumerate(manifest.get("checkpoints", []))]
    extra = list(extra_checkpoints)
    watch = CheckpointWatch([*checkpoints, *extra])
    result = VerificationResult()
    result.finding = (manifest_problem(manifest, checkpoints, extra)
                      or watch.signatures(trusted_keys, trust_embedded)
                      or watch.passed(0, GENESIS))
    if result.finding:
        return result
    events_path = folder / str(manifest.get("events_file", EVENTS_FILE))
    lines = _read_lines(events_path)
    pending: tuple[int, BundleEvent | str] | None = None
    head, expected = GENESIS, 1
    accepted_prev, tree = GENESIS, TreeFrontier()
    while True:
        item = pending or next(lines, None)
        pending = None
        if item is None:
            break
        number, event = item
        finding: Finding | None = None
        if isinstance(event, str):
            finding = Finding(expected, CHANGED, event)
        elif event.position > expected:
            kind = REORDERED if _appears_later(events_path, number, expected) else MISSING
            finding = Finding(expected, kind, f"line {number} holds position {event.position} "
                              f"where position {expected} should be")
        elif event.position < expected:
            # Two lines claim one position: if this one links like the one accepted there,
            # the accepted one was the intruder.
            twin = (event.position == expected - 1 and event.prev_hash == accepted_prev
                    and event.recomputed(accepted_prev, event.position) == event.hash)
            at = event.position if twin else expected
            finding = Finding(at, INSERTED, f"line {number} claims position {event.position} "
                              "again: one of the lines there is not part of the chain")
        elif event.prev_hash != head or event.recomputed(head, expected) != event.hash:
            pending = next(lines, None)
            follower = pending[1] if pending else None
            if (isinstance(follower, BundleEvent) and follower.position == expected
                    and follower.prev_hash == head
                    and follower.recomputed(head, expected) == follower.hash):
                finding = Finding(expected, INSERTED, f"line {number} is an extra event before "
                                  f"the genuine event at position {expected}")
            else:
                finding = Finding(expected, CHANGED, f"line {number} ({event.topic} of "
                                  f"{event.originator_id} v{event.originator_version}) does "
                                  "not hash to its recorded chain hash")
        if finding:
            result.finding = finding
            return result
        assert isinstance(event, BundleEvent)
        accepted_prev, head = head, event.hash
        tree.append(head)
        result.event_count, result.head_hash = expected, head
        result.finding = watch.passed(expected, head, tree)
        if result.finding:
            return result
        if on_progress is not None:
            on_progress(expected)
        expected += 1
    result.checkpoints_checked = watch.checked
    count = manifest.get("event_count")
    if isinstance(count, int) and count > result.event_count:
        result.finding = Finding(result.event_count + 1, TRUNCATED,
                                 f"the events file ends after {result.event_count} events; "
                                 f"the manifest says {count}")
    elif isinstance(count, int) and count < result.event_count:
        result.finding = Finding(count + 1, INSERTED, f"the events file has "
                                 f"{result.event_count} events; the manifest says {count}")
    elif manifest.get("head_hash") != result.head_hash.hex():
        result.finding = Finding(result.event_count, CHANGED,
                                 "the manifest's head hash differs from the events file's")
    result.finding = result.finding or watch.ended(result.event_count)
    result.checkpoints_checked = watch.checked
    return result


EMBEDDED_WARNING = (
    "WARNING: trusting the public keys the checkpoints carry (--trust-embedded-keys): whoever "
    "rewrote this history could have signed its checkpoints too; pin the auditors' keys with "
    "--public-key for a proof")


SUBJECT_FORMAT = "civicvol-subject-export"


def subject_problems(folder: str | Path, checkpoint: Checkpoint) -> list[str]:
    """Every problem of one person's export (``civicvol audit export-subject``) against its
    checkpoint, whose signature the caller has checked: each listed event has a proof of that
    very event (position, record, version), and each proof holds in the signed tree head.
    Raises ValueError for a folder that holds no export."""
    folder = Path(folder)
    subject = json.loads((folder / "subject.json").read_text(encoding="utf-8"))
    if not isinstance(subject, dict) or subject.get("format") != SUBJECT_FORMAT:
        raise ValueError("subject.json is not a civicvol subject export")
    listed = {row["position"]: (record["record"], row["version"])
              for record in subject["records"] for row in record["events"]}
    problems = []
    if sorted(listed) != subject["positions"]:
        problems.append("subject.json lists other positions than its records' events")
    for position, (record, version) in sorted(listed.items()):
        path = folder / "proofs" / f"{position}.json"
        if not path.exists():
            problems.append(f"position {position}: no proof in {path}")
            continue
        proof = json.loads(path.read_text(encoding="utf-8"))
        event = proof.get("event", {}) if isinstance(proof, dict) else {}
        if (event.get("position"), event.get("originator_id"),
                event.get("originator_version")) != (position, record, version):
            problems.append(f"position {position}: the proof is of another event")
            continue
        problem = inclusion_problem(proof, checkpoint)
        if problem:
            problems.append(f"position {position}: {problem}")
    return problems


USAGE = ("usage: python verifier.py BUNDLE_DIR KEYS\n"
         "       python verifier.py --proof PROOF --checkpoint CP [--checkpoint CP2] KEYS\n"
         "       python verifier.py --subject EXPORT_DIR KEYS\n"
         "KEYS: --public-key KEY.pub ... | --trust-embedded-keys")


def _take(args: list[str], flag: str) -> list[str]:
    """Remove every ``flag VALUE`` pair from ``args``; the values."""
    values = []
    while flag in args[:-1]:
        at = args.index(flag)
        values.append(args[at + 1])
        del args[at:at + 2]
    return values


def check_proof_files(proof_file: str, checkpoint_files: list[str], keys: list[bytes],
                      trust_embedded: bool) -> str:
    """The problem of an inclusion or consistency proof against signed checkpoints ("" if
    it holds). Raises OSError or ValueError for a file that cannot be read."""
    checkpoints = [load_checkpoint(path) for path in checkpoint_files]
    untrusted = CheckpointWatch(checkpoints).signatures(keys, trust_embedded)
    if untrusted:
        return str(untrusted)
    proof = json.loads(Path(proof_file).read_text(encoding="utf-8"))
    if not isinstance(proof, dict):
        raise ValueError(f"{proof_file} is not a civicvol proof")
    if proof.get("format") == CONSISTENCY_PROOF_FORMAT:
        if len(checkpoints) != 2:
            raise ValueError("a consistency proof is checked against two checkpoints")
        older, newer = sorted(checkpoints, key=lambda c: c.event_count)
        return consistency_problem(proof, older, newer)
    if len(checkpoints) != 1:
        raise ValueError("an inclusion proof is checked against one checkpoint")
    return inclusion_problem(proof, checkpoints[0])


def main(argv: list[str] | None = None) -> int:
    """The stand-alone verifier (see :data:`USAGE`): a bundle, one proof, or one person's
    export; exit 0 when it holds, 1 when it does not, 2 for a file that cannot be read."""
    args = list(sys.argv[1:] if argv is None else argv)
    trust_embedded = "--trust-embedded-keys" in args
    if trust_embedded:
        args.remove("--trust-embedded-keys")
    key_files = _take(args, "--public-key")
    proofs, subjects = _take(args, "--proof"), _take(args, "--subject")
    checkpoint_files = _take(args, "--checkpoint")
    modes = len(proofs) + len(subjects) + len(args)
    if modes != 1 or any(a.startswith("--") for a in args) or (
            checkpoint_files and not proofs):
        print(USAGE, file=sys.stderr)
        return 2
    if trust_embedded and key_files:
        print("error: give --public-key or --trust-embedded-keys, not both", file=sys.stderr)
        return 2
    try:
        keys = [load_public_key(path) for path in key_files]
    except (OSError, ValueError) as error:
        print(f"error: cannot read public key: {error}; give the .pub file of the key that "
              "signed the checkpoints", file=sys.stderr)
        return 2
    if trust_embedded:
        print(EMBEDDED_WARNING, file=sys.stderr)
    if proofs or subjects:
        return _check_files(proofs, subjects, checkpoint_files, keys, trust_embedded)
    try:
        result = verify_bundle(args[0], trusted_keys=keys, trust_embedded=trust_embedded)
    except (OSError, ValueError) as error:
        print(f"error: cannot read the bundle in {args[0]}: {error}; give the folder written by "
              "'civicvol audit export'", file=sys.stderr)
        return 2
    if result.finding:
        print(f"NOT INTACT at {result.finding}")
        return 1
    print(f"intact: {result.event_count} events, head {result.head_hash.hex()}, "
          f"{result.checkpoints_checked} checkpoint(s) matched")
    return 0


def _check_files(proofs: list[str], subjects: list[str], checkpoint_files: list[str],
                 keys: list[bytes], trust_embedded: bool) -> int:
    try:
        if proofs:
            problems = [p for p in [check_proof_files(proofs[0], checkpoint_files, keys,
                                                      trust_embedded)] if p]
        else:
            (checkpoint,) = [load_checkpoint(Path(subjects[0]) / "checkpoint.json")]
            untrusted = CheckpointWatch([checkpoint]).signatures(keys, trust_embedded)
            problems = ([str(untrusted)] if untrusted
                        else subject_problems(subjects[0], checkpoint))
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as error:
        print(f"error: cannot read {(proofs or subjects)[0]}: {error}; give a file written by "
              "'civicvol audit prove' or a folder by 'civicvol audit export-subject'",
              file=sys.stderr)
        return 2
    for problem in problems:
        print(f"does NOT hold: {problem}")
    if problems:
        return 1
    print(f"holds: {(proofs or subjects)[0]}")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

"""The Merkle tree of RFC 9162 §2.1 (as RFC 6962 defined it): the stand-alone verifier's tree
hash, audit paths and consistency proofs reproduce the published Certificate Transparency
test vectors, agree with a literal transcription of the RFC's recursive definitions on every
size up to 33, and refuse every altered proof."""

from __future__ import annotations

import hashlib

import pytest

from civicvol import CivicVol
from civicvol.audit.recorders import MissingTreeNode, as_chained
from civicvol.audit.store_verification import verify_store
from civicvol.audit.tree import root_of, stored_subtree
from civicvol.audit.verifier import (
    EMPTY_TREE,
    TREE_MISMATCH,
    consistency_path,
    inclusion_path,
    leaf_hash,
    node_hash,
    subtree_of,
    tree_hash,
    verify_consistency,
    verify_inclusion,
)
from tests.audit_tamper import Tamperer
from tests.world import build_world

# The test data of RFC 6962's reference implementation (certificate-transparency), and the
# tree heads MTH(D[n]) published for n = 0..8.
LEAVES = [bytes.fromhex(h) for h in ("", "00", "10", "2021", "3031", "40414243",
                                     "5051525354555657", "606162636465666768696a6b6c6d6e6f")]
ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
INCLUSION = [  # (leaf index, tree size, audit path)
    (0, 1, []),
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (1, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
CONSISTENCY = [  # (first size, second size, proof)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]
HASHES = [leaf_hash(d) for d in LEAVES]


# --- an independent, literal transcription of RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 ---
def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def _mth(d: list[bytes]) -> bytes:
    if not d:
        return _sha(b"")
    if len(d) == 1:
        return _sha(b"\x00" + d[0])
    k = _k(len(d))
    return _sha(b"\x01" + _mth(d[:k]) + _mth(d[k:]))


def _path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _subproof(m: int, d: list[bytes], b: bool) -> list[bytes]:
    if m == len(d):
        return [] if b else [_mth(d)]
    k = _k(len(d))
    if m <= k:
        return [*_subproof(m, d[:k], b), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


def _data(n: int) -> list[bytes]:
    return [f"entry {i}".encode() for i in range(n)]


class TestPublishedVectors:
    @pytest.mark.parametrize("n", range(9))
    def test_the_tree_heads(self, n: int) -> None:
        assert tree_hash(HASHES[:n]).hex() == ROOTS[n]
        assert _mth(LEAVES[:n]).hex() == ROOTS[n]

    def test_the_empty_tree_and_the_prefixes(self) -> None:
        assert hashlib.sha256(b"").digest() == EMPTY_TREE
        assert leaf_hash(b"") == hashlib.sha256(b"\x00").digest()
        a, b = leaf_hash(b"a"), leaf_hash(b"b")
        assert node_hash(a, b) == hashlib.sha256(b"\x01" + a + b).digest()
        assert leaf_hash(a + b) != node_hash(a, b)

    @pytest.mark.parametrize(("index", "size", "expected"), INCLUSION)
    def test_the_audit_paths(self, index: int, size: int, expected: list[str]) -> None:
        path = inclusion_path(index, size, subtree_of(HASHES[:size]))
        assert [p.hex() for p in path] == expected
        assert verify_inclusion(HASHES[index], index, size, path, bytes.fromhex(ROOTS[size]))

    @pytest.mark.parametrize(("first", "size", "expected"), CONSISTENCY)
    def test_the_consistency_proofs(self, first: int, size: int, expected: list[str]) -> None:
        proof = consistency_path(first, size, subtree_of(HASHES[:size]))
        assert [p.hex() for p in proof] == expected
        assert verify_consistency(first, bytes.fromhex(ROOTS[first]), size,
                                  bytes.fromhex(ROOTS[size]), proof)


class TestAgainstTheRecursiveDefinitions:
    def test_every_path_and_proof_up_to_33_leaves(self) -> None:
        data = _data(33)
        hashes = [leaf_hash(d) for d in data]
        for n in range(1, 34):
            subtree, root = subtree_of(hashes[:n]), _mth(data[:n])
            assert tree_hash(hashes[:n]) == root
            for m in range(n):
                path = inclusion_path(m, n, subtree)
                assert path == _path(m, data[:n])
                assert verify_inclusion(hashes[m], m, n, path, root)
                assert not verify_inclusion(hashes[(m + 1) % n], m, n, path, root) or n == 1
            for m in range(1, n + 1):
                proof = consistency_path(m, n, subtree)
                assert proof == _subproof(m, data[:n], True)
                assert verify_consistency(m, _mth(data[:m]), n, root, proof)


class TestAlteredProofsFail:
    def test_every_flipped_byte_of_a_path_fails(self) -> None:
        root = bytes.fromhex(ROOTS[8])
        path = inclusion_path(5, 8, subtree_of(HASHES))
        for i in range(len(path)):
            for byte in (0, 17, 31):
                bad = [bytearray(p) for p in path]
                bad[i][byte] ^= 1
                assert not verify_inclusion(HASHES[5], 5, 8, [bytes(p) for p in bad], root)

    def test_wrong_index_leaf_root_or_length_fails(self) -> None:
        root = bytes.fromhex(ROOTS[8])
        path = inclusion_path(5, 8, subtree_of(HASHES))
        assert not verify_inclusion(HASHES[5], 4, 8, path, root)
        assert not verify_inclusion(HASHES[4], 5, 8, path, root)
        assert not verify_inclusion(HASHES[5], 5, 8, path, EMPTY_TREE)
        assert not verify_inclusion(HASHES[5], 8, 8, path, root)
        assert not verify_inclusion(HASHES[5], 5, 8, path[:-1], root)
        assert not verify_inclusion(HASHES[5], 5, 8, [*path, root], root)
        assert not verify_inclusion(HASHES[5], 5, 8, [b"short"], root)

    def test_a_consistency_proof_that_lies_fails(self) -> None:
        root6, root8 = bytes.fromhex(ROOTS[6]), bytes.fromhex(ROOTS[8])
        proof = consistency_path(6, 8, subtree_of(HASHES))
        assert not verify_consistency(6, root8, 8, root8, proof)
        assert not verify_consistency(5, root6, 8, root8, proof)
        assert not verify_consistency(6, root6, 8, root6, proof)
        assert not verify_consistency(6, root6, 8, root8, proof[:-1])
        assert not verify_consistency(8, root8, 6, root6, [])  # a log does not shrink
        assert verify_consistency(8, root8, 8, root8, [])
        assert not verify_consistency(8, root6, 8, root8, [])
        assert verify_consistency(0, EMPTY_TREE, 8, root8, [])
        assert not verify_consistency(0, root6, 8, root8, [])

    def test_proofs_are_not_made_for_leaves_outside_the_tree(self) -> None:
        with pytest.raises(ValueError, match="outside a tree"):
            inclusion_path(8, 8, subtree_of(HASHES))
        with pytest.raises(ValueError, match="no consistency proof"):
            consistency_path(9, 8, subtree_of(HASHES))


class TestTheStoredTree:
    """The recorders keep the tree in the insert's transaction, on SQLite and PostgreSQL."""

    def test_the_stored_root_is_the_tree_of_the_chains_entries(self, disk_url: str) -> None:
        app = CivicVol(disk_url)
        world = build_world(app)
        recorder = as_chained(app.recorder)
        for _ in range(3):
            world.completed_order()
            size, _ = recorder.chain_head()
            entries = [leaf_hash(k.hash) for k in recorder.select_chain(0, 10_000)]
            assert root_of(size, recorder.tree_node) == tree_hash(entries) == _mth(
                [k.hash for k in recorder.select_chain(0, 10_000)])
            for index in (0, size // 2, size - 1):
                path = inclusion_path(index, size, stored_subtree(recorder.tree_node))
                assert path == inclusion_path(index, size, subtree_of(entries))
        app.close()

    def test_a_store_without_its_tree_gets_it_back_on_opening(self, disk_url: str) -> None:
        app = CivicVol(disk_url)
        build_world(app).completed_order()
        recorder = as_chained(app.recorder)
        size, _ = recorder.chain_head()
        root = root_of(size, recorder.tree_node)
        tamperer = Tamperer(app)
        assert size >= 16
        tamperer.sql(f"DELETE FROM {tamperer.events}_tree")
        with pytest.raises(MissingTreeNode, match="level 4, index 0"):
            root_of(size, recorder.tree_node)
        app.close()
        tamperer.sql(f"DELETE FROM {tamperer.events}_tree")
        reopened = CivicVol(disk_url)
        assert root_of(size, as_chained(reopened.recorder).tree_node) == root
        reopened.close()

    def test_an_edited_tree_node_is_caught_by_verification(self, disk_url: str) -> None:
        app = CivicVol(disk_url)
        build_world(app).completed_order()
        tamperer = Tamperer(app)
        tamperer.sql(f"UPDATE {tamperer.events}_tree SET hash=? WHERE level=4 AND idx=0",
                     bytes(32))
        result = verify_store(as_chained(app.recorder))
        assert result.finding is not None
        assert (result.finding.position, result.finding.kind) == (
            app.event_count(), TREE_MISMATCH)
        app.close()

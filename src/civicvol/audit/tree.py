"""The Merkle tree over the chain, kept in the store as it grows (RFC 9162 §2.1).

Leaf i (from 0) is ``leaf_hash(chain hash at position i + 1)``. The recorders keep every
complete subtree's root in a table of (level, index, hash), written in the transaction that
inserts the events: a new leaf adds itself at level 0 and, at each level where it completes
a pair, the parent. Every node is written once and never changes. SQLite's recorder keeps only the
subtrees of 16 leaves and up (one row per 8 events) and computes a smaller one from its
leaves, read from the events table by id (there a row's id is its position: one range read of
at most 8 rows); PostgreSQL's, whose ids have gaps, keeps every level. Any subtree hash,
audit path or consistency proof is O(log n) primary-key reads (:func:`stored_subtree`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from civicvol.audit.verifier import EMPTY_TREE, Subtree, leaf_hash, node_hash, split_point

Node = tuple[int, int, bytes]
"""A stored node: level, index at that level, hash (the root of leaves
[index * 2**level, (index + 1) * 2**level))."""
NodeLookup = Callable[[int, int], bytes]


def new_nodes(size: int, entries: Sequence[bytes], stored: NodeLookup,
              min_level: int = 0) -> list[Node]:
    """The nodes at ``min_level`` and up that appending ``entries`` (chain hashes) to a tree
    of ``size`` leaves completes; ``stored`` reads a node (a recorder that can read a range
    of leaves from the events table by position computes the lower ones instead)."""
    made: dict[tuple[int, int], bytes] = {}
    for offset, entry in enumerate(entries):
        index, level = size + offset, 0
        node = made[0, index] = leaf_hash(entry)
        while index & 1:  # a right child: its pair is complete, so is their parent
            left = made.get((level, index - 1)) or stored(level, index - 1)
            node = node_hash(left, node)
            level, index = level + 1, index >> 1
            made[level, index] = node
    return [(level, index, digest) for (level, index), digest in made.items()
            if level >= min_level]


def stored_subtree(stored: NodeLookup) -> Subtree:
    """MTH of any range of leaves a proof needs, from the stored complete subtrees: a
    range of 2**l leaves starting at a multiple of 2**l is one node; any other range the
    proofs ask for is split as RFC 9162 splits it, at most log n times."""
    def mth(start: int, end: int) -> bytes:
        width = end - start
        if width & (width - 1) == 0 and start % width == 0:
            return stored(width.bit_length() - 1, start // width)
        k = split_point(width)
        return node_hash(mth(start, start + k), mth(start + k, end))
    return mth


def root_of(size: int, stored: NodeLookup) -> bytes:
    """The tree head MTH of the first ``size`` leaves."""
    return stored_subtree(stored)(0, size) if size else EMPTY_TREE


__all__ = ["Node", "NodeLookup", "new_nodes", "root_of", "stored_subtree"]

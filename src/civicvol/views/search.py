"""Finding people without keeping them readable: truncated blind indexes.

A view never holds a name, phone or national volunteer number in the clear. It keeps the
contact details sealed under the person's own key (as in their events) and, to find people,
short keyed tags: 16 bits of a keyed BLAKE2b hash (a MAC) of the phone number and of the
national volunteer number, and 8 bits for each character of the name, under a district index
key kept in the store. A search looks up the tags, then opens the few candidates' sealed
details and keeps those that really match. A tag is shared by a great many possible values
(one phone tag by some 1.5 million mobile numbers), so a copy of the views taken before an
erasure cannot be read back into the person's details once their key is gone.
"""

from __future__ import annotations

import os
import unicodedata
from hashlib import blake2b

from civicvol.views.database import ViewDatabase

KEY_TABLE = "civicvol_view_index_key"


def index_key(db: ViewDatabase) -> bytes:
    """The district's index key, made on first use."""
    with db.writing("(tables)") as c:
        c.execute(f"CREATE TABLE IF NOT EXISTS {{{KEY_TABLE}}} (id INTEGER PRIMARY KEY, "
                  f"key {db.blob} NOT NULL)")
        c.execute(f"INSERT INTO {{{KEY_TABLE}}} (id, key) VALUES (1, ?) "
                  "ON CONFLICT (id) DO NOTHING", [os.urandom(32)])
        row = c.execute(f"SELECT key FROM {{{KEY_TABLE}}} WHERE id = 1").one()
    assert row is not None
    return bytes(row[0])


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().replace(" ", "")


def phone_tag(key: bytes, phone: str) -> int:
    digest = blake2b(b"phone:" + normal(phone).encode(), key=key, digest_size=2).digest()
    return int.from_bytes(digest, "big")


def national_tag(key: bytes, national_number: str) -> int:
    """The tag of a national volunteer number (16 bits, as a phone's)."""
    digest = blake2b(b"national:" + normal(national_number).encode(), key=key,
                     digest_size=2).digest()
    return int.from_bytes(digest, "big")


def name_tags(key: bytes, text: str) -> set[int]:
    return {blake2b(b"name:" + ch.encode(), key=key, digest_size=1).digest()[0]
            for ch in normal(text)}

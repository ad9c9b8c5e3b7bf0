"""The directory view: each volunteer's contact details, sealed under their own key as in
their events, and the blind-index tags that find them (:mod:`civicvol.views.search`).

It is the only view that reads personal data: it opens each registration's details (with the
person's key) to make the tags, and seals them again for the view. Views that only count,
and the district report, never wait for it and never read a key.
"""

from __future__ import annotations

import json
from typing import Any

from civicvol.audit.privacy import SealedContactTranscoding
from civicvol.domain.topics import VOLUNTEER
from civicvol.domain.values import ContactDetails
from civicvol.views.database import Cursor
from civicvol.views.search import index_key, name_tags, national_tag, phone_tag
from civicvol.views.view import Counts, View


class DirectoryView(View):
    name = "directory"
    reads_personal_data = True
    unstable_columns = ("contact",)  # sealed again with a fresh nonce at every fold
    store_specific_tables = ("view_directory_tags",)  # made under this store's index key
    tables = (
        "CREATE TABLE IF NOT EXISTS {view_directory} (volunteer_id TEXT PRIMARY KEY, "
        "contact TEXT)",
        "CREATE TABLE IF NOT EXISTS {view_directory_tags} (volunteer_id TEXT, kind TEXT, "
        "tag INTEGER, PRIMARY KEY (kind, tag, volunteer_id)) {without_rowid}",
        "CREATE INDEX IF NOT EXISTS view_directory_tags_volunteer ON {view_directory_tags} "
        "(volunteer_id)",
    )

    def setup(self) -> None:
        self.sealing = SealedContactTranscoding(self.views.app.personal_keys)
        self.key = index_key(self.db)
        self.on(VOLUNTEER, "Registered", self._contact)
        self.on(VOLUNTEER, "ContactUpdated", self._contact)
        self.on(VOLUNTEER, "PersonalDataErased", self._erased)

    def _contact(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        vid = str(e.originator_id)
        if type(e).__name__ == "ContactUpdated":
            self._erased(c, e, position, counts)  # the old details and tags go
        if e.contact.is_erased:  # the key is gone already: nothing to find them by
            return
        # The sealed form as the event stored it, else sealed again (a fresh nonce).
        sealed = self.views.sealed_contacts.get(position) or json.dumps(
            self.sealing.encode(e.contact), ensure_ascii=False)
        c.defer("INSERT INTO {view_directory} (volunteer_id, contact) VALUES (?, ?)",
                [vid, sealed])
        tags = "INSERT INTO {view_directory_tags} (volunteer_id, kind, tag) VALUES (?, ?, ?)"
        c.defer(tags, [vid, "p", phone_tag(self.key, e.contact.phone)])
        if e.contact.national_number:
            c.defer(tags, [vid, "g", national_tag(self.key, e.contact.national_number)])
        for tag in sorted(name_tags(self.key, e.contact.name)):
            c.defer(tags, [vid, "n", tag])

    def _erased(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        vid = str(e.originator_id)
        c.execute("DELETE FROM {view_directory} WHERE volunteer_id = ?", [vid])
        c.execute("DELETE FROM {view_directory_tags} WHERE volunteer_id = ?", [vid])

    def contact(self, sealed: str | None) -> ContactDetails:
        """Open a sealed copy (``[erased]`` once the person's key is gone)."""
        return self.sealing.decode(json.loads(sealed)) if sealed else ContactDetails.erased(None)

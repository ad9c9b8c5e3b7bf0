"""The volunteers view: community, skills, status, hours and orders of every volunteer.
Counters: ``status``. It holds no personal data and reads no key; the contact details and the
tags that find people are in the directory view (:mod:`civicvol.views.directory`), which
:meth:`VolunteersView.search` reads too."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any
from uuid import UUID

from civicvol.audit.privacy import SealedContactTranscoding
from civicvol.domain.topics import VOLUNTEER
from civicvol.domain.values import ContactDetails
from civicvol.views.database import Cursor
from civicvol.views.search import index_key, name_tags, national_tag, normal, phone_tag
from civicvol.views.view import Counts, View, centi, hours_text, moment, page

COLUMNS = ("id", "contact", "community", "skills", "status", "hours", "orders_completed",
           "registered_at", "erased")
SELECTED = ("id", "d.contact", *COLUMNS[2:])
STATUS = {"Registered": "active", "Suspended": "suspended", "Reactivated": "active",
          "Left": "left"}


class VolunteersView(View):
    name = "volunteers"
    tables = (
        "CREATE TABLE IF NOT EXISTS {view_volunteers} (id TEXT PRIMARY KEY, "
        "community TEXT, skills TEXT, status TEXT, hours INTEGER, orders_completed INTEGER, "
        "registered_at TEXT, erased INTEGER, position BIGINT)",
        "CREATE INDEX IF NOT EXISTS view_volunteers_community ON {view_volunteers} "
        "(community, status)",
    )

    def setup(self) -> None:
        self.sealing = SealedContactTranscoding(self.views.app.personal_keys)
        self.key = index_key(self.db)
        self.on(VOLUNTEER, "Registered", self._registered)
        for name in ("Suspended", "Reactivated", "Left"):
            self.on(VOLUNTEER, name, self._status)
        self.on(VOLUNTEER, "ServiceRecorded", self._service)
        self.on(VOLUNTEER, "PersonalDataErased", self._erased)

    def _registered(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        vid = str(e.originator_id)
        c.defer("INSERT INTO {view_volunteers} (id, community, skills, status, "
                  "hours, orders_completed, registered_at, erased, position) VALUES "
                  "(?, ?, ?, 'active', 0, 0, ?, 0, ?)",
                  [vid, e.community, json.dumps(list(e.skills), ensure_ascii=False),
                   moment(e), position])
        counts["status", "active"] += 1

    def _status(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        vid = str(e.originator_id)
        row = c.execute("SELECT status FROM {view_volunteers} WHERE id = ?", [vid]).one()
        new = STATUS[type(e).__name__]
        c.execute("UPDATE {view_volunteers} SET status = ? WHERE id = ?", [new, vid])
        if row is not None:
            counts["status", str(row[0])] -= 1
        counts["status", new] += 1

    def _service(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        c.execute("UPDATE {view_volunteers} SET hours = hours + ?, "
                  "orders_completed = orders_completed + 1 WHERE id = ?",
                  [centi(e.hours), str(e.originator_id)])

    def _erased(self, c: Cursor, e: Any, position: int, counts: Counts) -> None:
        c.execute("UPDATE {view_volunteers} SET erased = 1 WHERE id = ?",
                  [str(e.originator_id)])

    # --- queries -----------------------------------------------------------------------------
    def get(self, volunteer_id: str) -> dict[str, Any] | None:
        found = self._volunteers("WHERE id = ?", [volunteer_id])
        return found[0] if found else None

    def search(self, *, phone: str | None = None, name: str | None = None,
               community: str | None = None, skill: str | None = None,
               status: str | None = None, team: str | None = None,
               national_number: str | None = None,
               limit: int | None = 50, offset: int = 0) -> list[dict[str, Any]]:
        """Volunteers matching every filter: ``phone`` and ``national_number`` exactly,
        ``name`` in part."""
        where: list[str] = []
        params: list[Any] = []
        if phone is not None:
            where.append("id IN (SELECT volunteer_id FROM {view_directory_tags} "
                         "WHERE kind = 'p' AND tag = ?)")
            params.append(phone_tag(self.key, phone))
        if national_number is not None:
            where.append("id IN (SELECT volunteer_id FROM {view_directory_tags} "
                         "WHERE kind = 'g' AND tag = ?)")
            params.append(national_tag(self.key, national_number))
        if name is not None and normal(name):
            tags = sorted(name_tags(self.key, name))
            where.append("id IN (SELECT volunteer_id FROM {view_directory_tags} WHERE kind = "
                         f"'n' AND tag IN ({', '.join('?' * len(tags))}) GROUP BY volunteer_id "
                         "HAVING COUNT(*) = ?)")
            params += [*tags, len(tags)]
        for column, value in (("community", community), ("status", status)):
            if value is not None:
                where.append(f"{column} = ?")
                params.append(value)
        if skill is not None:
            where.append("skills LIKE ?")
            params.append("%" + json.dumps(skill, ensure_ascii=False) + "%")
        if team is not None:
            where.append("id IN (SELECT volunteer_id FROM {view_memberships} WHERE team_id = ? "
                         "AND active = 1)")
            params.append(team)
        clause = f"WHERE {' AND '.join(where)}" if where else ""
        if phone is None and national_number is None and not (name and normal(name)):
            return self._volunteers(clause + " ORDER BY position" + page(limit, offset),
                                    params)
        # The tags narrowed the search to a few candidates: open them and keep true matches.
        found = [v for v in self._volunteers(clause + " ORDER BY position", params)
                 if (phone is None or normal(v["phone"]) == normal(phone))
                 and (national_number is None
                      or normal(v["national_number"] or "") == normal(national_number))
                 and (not name or normal(name) in normal(v["name"]))]
        end = None if limit is None else offset + limit
        return found[offset:end]

    def with_phones(self, phones: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """The volunteers registered with each of ``phones`` (a roster's, checked at once
        through the blind index rather than one search a phone), by the phone as given."""
        return self._with_tagged("p", phone_tag, "phone", phones)

    def with_national_numbers(self, numbers: Sequence[str]
                              ) -> dict[str, list[dict[str, Any]]]:
        """The volunteers recorded with each of ``numbers`` (national volunteer numbers), by
        the number as given: :meth:`with_phones` for the other thing that names a person."""
        return self._with_tagged("g", national_tag, "national_number", numbers)

    def _with_tagged(self, kind: str, tag_of: Callable[[bytes, str], int], field: str,
                     values: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        wanted = {normal(p): p for p in values}
        by_tag = {tag_of(self.key, p): p for p in wanted.values()}
        self.views.catch_up(("volunteers", "directory"))  # the two this reads, not every view
        ids: list[str] = []
        tags = list(by_tag)
        for start in range(0, len(tags), 500):
            chunk = tags[start:start + 500]
            ids += [str(r[0]) for r in self.rows(
                "SELECT DISTINCT volunteer_id FROM {view_directory_tags} WHERE kind = ? "
                f"AND tag IN ({', '.join('?' * len(chunk))})", [kind, *chunk], fresh=False)]
        found: dict[str, list[dict[str, Any]]] = {}
        for start in range(0, len(ids), 500):
            some = ids[start:start + 500]
            for v in self._volunteers(f"WHERE id IN ({', '.join('?' * len(some))}) "
                                      "ORDER BY position", some):
                given = wanted.get(normal(v[field] or ""))  # a tag can collide: keep true ones
                if given is not None:
                    found.setdefault(given, []).append(v)
        return found

    def _volunteers(self, clause: str, params: Sequence[Any]) -> list[dict[str, Any]]:
        rows = self.rows(f"SELECT {', '.join(SELECTED)} FROM {{view_volunteers}} LEFT JOIN "
                         "{view_directory} d ON d.volunteer_id = id " + clause, params)
        contacts = [json.loads(r[1]) if r[1] else None for r in rows]
        self.views.app.personal_keys.prefetch(
            UUID(c["subject"]) for c in contacts if c and "subject" in c)
        result = []
        for row, sealed in zip(rows, contacts, strict=True):
            contact = self.sealing.decode(sealed) if sealed else ContactDetails.erased(None)
            v = dict(zip(COLUMNS, row, strict=True))
            del v["contact"]
            result.append({
                "id": v["id"], "name": contact.name, "phone": contact.phone,
                "national_number": contact.national_number or None,  # as volunteer_view
                "community": v["community"], "skills": json.loads(v["skills"] or "[]"),
                "status": v["status"], "service_hours": hours_text(int(v["hours"])),
                "orders_completed": int(v["orders_completed"]),
                "registered_at": v["registered_at"], "erased": bool(v["erased"]),
            })
        return result

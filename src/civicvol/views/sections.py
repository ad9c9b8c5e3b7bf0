"""The report sections of plug-ins, kept incrementally: each section's fold state is saved
with the position it has folded, so a report folds only the events recorded since.

A section (``report_sections`` hook) is a fold over the log; its state is its attributes,
saved (pickled, minus its handler table and its ``_private`` caches) with the position in one
transaction. A section whose class (or its ``version`` attribute) changed, or that was saved
while other plug-ins were loaded, starts again from position 1.
"""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from civicvol.views.database import ViewDatabase

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol

TABLE = "civicvol_view_sections"
_UNSAVED = ("handlers",)  # rebuilt by the section's constructor, bound to the new object


class SavedSections:
    def __init__(self, db: ViewDatabase) -> None:
        self.db = db
        db.create([f"CREATE TABLE IF NOT EXISTS {{{TABLE}}} (name TEXT PRIMARY KEY, "
                   f"fingerprint TEXT, position BIGINT, state {db.blob})"])

    def fold(self, app: CivicVol, sections: Sequence[Any], head: int,
             context: str = "") -> None:
        """Bring each section to ``head``: restore its saved state, fold the events since.
        A state saved under another ``context`` (the plug-ins loaded) is folded again."""
        from civicvol.app.report import fold_log

        for section in sections:
            name, print_ = str(section.name), f"{_fingerprint(section)}|{context}"
            with self.db.reading() as c:
                row = c.execute(f"SELECT fingerprint, position, state FROM {{{TABLE}}} "
                                "WHERE name = ?", [name]).one()
            position = 0
            if row is not None and row[0] == print_:
                try:
                    section.__dict__.update(pickle.loads(bytes(row[2])))
                    position = int(row[1])
                except Exception:  # a state this code cannot read: fold from the start
                    position = 0
            if position >= head:
                continue
            topics = list(getattr(section, "topics", ()) or ())
            fold_log(_after(app, position, head, topics), app.mapper, [section])
            state = pickle.dumps({k: v for k, v in vars(section).items()
                                  if k not in _UNSAVED and not k.startswith("_")})
            with self.db.writing(f"section:{name}") as c:
                c.execute(f"INSERT INTO {{{TABLE}}} (name, fingerprint, position, state) "
                          "VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET fingerprint = "
                          "excluded.fingerprint, position = excluded.position, state = "
                          "excluded.state", [name, print_, head, state])

    def clear(self) -> None:
        with self.db.writing() as c:
            c.execute(f"DELETE FROM {{{TABLE}}}")


def _fingerprint(section: Any) -> str:
    cls = type(section)
    return f"{cls.__module__}.{cls.__qualname__}:{getattr(section, 'version', '')}"


def _after(app: CivicVol, position: int, head: int, topics: list[str]) -> Any:
    start = position
    while start < head:
        batch = app.recorder.select_notifications(start + 1, 2000, stop=head, topics=topics)
        yield from batch
        start = batch[-1].id if len(batch) == 2000 else head

"""The views as they stood at a past moment: the same views, folded into a scratch SQLite
database from the events stamped before that moment (:mod:`civicvol.audit.asof`'s rule), so
that every query of a view answers "as of" without a copy kept in the store.

The scratch database holds what the views hold (the directory's contacts sealed under each
person's key, as in the store) and is deleted when the block ends.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from civicvol.views.database import ViewDatabase
from civicvol.views.runner import Views

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol

PAGE = 5000


class AsOfViews(Views):
    """Views that fold once, on their first query, the events stamped before ``moment``."""

    def __init__(self, app: CivicVol, db: ViewDatabase, moment: datetime) -> None:
        from civicvol.views import CORE_VIEWS

        super().__init__(app, CORE_VIEWS, db=db)
        self.moment = moment
        self.folded = 0  # the last position folded, once folded

    def head(self) -> int:
        return self.folded

    def catch_up(self, names: Sequence[str] = (), *, force: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> int:
        if self.folded:
            return 0
        from civicvol.audit.asof import events_before

        views = list(self)
        topics = {t for v in views for t in v.topics}
        page, read = [], 0
        self.folded = -1  # a query made by a handler while folding must not fold again
        for notification in events_before(self.app, self.moment):
            if notification.topic in topics:
                page.append(notification)
            if len(page) == PAGE:
                self._apply(views, page, page[-1].id, personal=True)
                read += len(page)
                page = []
        if page:
            self._apply(views, page, page[-1].id, personal=True)
            read += len(page)
        self.folded = max(self.app.views.head(), 1)
        return read


@contextmanager
def views_as_of(app: CivicVol, moment: datetime) -> Iterator[AsOfViews]:
    """The core views as of ``moment``, in a scratch database removed afterwards."""
    from eventsourcing.sqlite import SQLiteDatastore

    with tempfile.TemporaryDirectory(prefix="civicvol-asof-") as folder:
        datastore = SQLiteDatastore(str(Path(folder) / "views.db"))
        try:
            yield AsOfViews(app, ViewDatabase(datastore), moment)
        finally:
            datastore.close()

"""A view: an eventsourcing projection that folds the events it subscribes to into tables.

A subclass names its tables (``tables``: DDL with ``{name}`` for each table, so they live in
the store's schema), and says which events it folds with ``handlers``, filled by :meth:`on`.
A handler receives the cursor of the batch's transaction, the decoded event, its position in
the log and the batch's counters. Rows and the view's tracked position are written together.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from eventsourcing.persistence import Tracking, TrackingRecorder
from eventsourcing.projection import Projection

from civicvol.domain.clock import DISTRICT_TIME
from civicvol.views.database import COUNTERS, SKIPPED, TRACKING, Cursor, ViewDatabase

if TYPE_CHECKING:
    from civicvol.views.runner import Views

Counts = Counter[tuple[str, str]]
Handler = Callable[[Cursor, Any, int, Counts], None]


class ViewTracking(TrackingRecorder):
    """eventsourcing's tracking-recorder interface over the view's row in the tracking table,
    so that eventsourcing's ``wait`` works on a view."""

    def __init__(self, db: ViewDatabase, view: str) -> None:
        self.db, self.view_name = db, view

    def insert_tracking(self, tracking: Tracking) -> None:
        with self.db.writing(self.view_name) as c:
            self.db.track(c, self.view_name, tracking.notification_id)

    def max_tracking_id(self, application_name: str) -> int | None:
        return self.db.positions().get(self.view_name)


class View(Projection[ViewTracking]):
    """One view of the district (see the module notes)."""

    name = "view"
    tables: tuple[str, ...] = ()
    # Columns whose bytes differ between two folds of the same events (sealed with a fresh
    # nonce), and tables that depend on this store's keys: left out of comparisons.
    unstable_columns: tuple[str, ...] = ()
    # Whether folding needs the events' personal data (decoded with the people's keys).
    reads_personal_data = False
    store_specific_tables: tuple[str, ...] = ()

    def __init__(self, views: Views) -> None:
        super().__init__(ViewTracking(views.db, self.name))
        self.views = views
        self.db = views.db
        self.handlers: dict[str, Handler] = {}
        self.setup()

    def setup(self) -> None:
        """Fill ``handlers`` with :meth:`on`."""

    def on(self, aggregate: type | str, event_name: str, handler: Handler) -> None:
        """Fold ``aggregate``'s event ``event_name`` with ``handler``. The aggregate is its class
        (``Team, "Created"``) or its topic (``"civicvol.domain.team:Team", "Created"``): by
        topic, the view does not import the aggregate's module before an event needs it."""
        if isinstance(aggregate, str):
            self.handlers[f"{aggregate}.{event_name}"] = handler
            return
        from eventsourcing.utils import get_topic

        self.handlers[get_topic(getattr(aggregate, event_name))] = handler

    @property
    def topics(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(self.handlers)

    @property
    def table_names(self) -> list[str]:
        return [s.split("{", 1)[1].split("}", 1)[0] for s in self.tables
                if s.lstrip().upper().startswith("CREATE TABLE")]  # the first {name}

    def create(self) -> None:
        self.db.create(self.tables)

    def clear(self, c: Cursor) -> None:
        """Remove every row, counter and the tracked position (before a rebuild)."""
        for table in self.table_names:
            c.execute(f"DELETE FROM {{{table}}}")
        c.execute(f"DELETE FROM {{{COUNTERS}}} WHERE view = ?", [self.name])
        c.execute(f"DELETE FROM {{{TRACKING}}} WHERE view = ?", [self.name])
        c.execute(f"DELETE FROM {{{SKIPPED}}} WHERE view = ?", [self.name])

    def apply(self, c: Cursor, events: Sequence[tuple[int, str, Any]], *,
              careful: bool = False, counts: Counts | None = None
              ) -> list[tuple[int, str, str]]:
        """Fold a batch of (position, topic, event) in the batch's transaction.

        ``careful``: each event in a savepoint, and an event whose handler fails is left out
        (returned as (position, topic, reason)) instead of failing the batch. ``counts``: add
        the batch's counters there (the caller writes them), instead of writing them here."""
        mine_to_write = counts is None
        counts = Counter() if counts is None else counts
        failed = []
        self.begin(c)
        for position, topic, event in events:
            handler = self.handlers.get(topic)
            if handler is None:
                continue
            if not careful:
                handler(c, event, position, counts)
                continue
            mine: Counts = Counter()
            c.execute("SAVEPOINT civicvol_event")
            try:
                handler(c, event, position, mine)
            except Exception as error:
                c.execute("ROLLBACK TO SAVEPOINT civicvol_event")
                failed.append((position, topic, f"{type(error).__name__}: {error}"))
            else:
                counts.update(mine)
            c.execute("RELEASE SAVEPOINT civicvol_event")
        if mine_to_write:
            c.add(self.name, counts)
        return failed

    def begin(self, c: Cursor) -> None:
        """Called before each batch (a view may load what its handlers look up often)."""

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        """eventsourcing's projection interface: fold one event and track it, exactly once."""
        from eventsourcing.utils import get_topic

        with self.db.writing(self.name) as c:
            if self.db.positions(c).get(self.name, 0) >= tracking.notification_id:
                return
            self.apply(c, [(tracking.notification_id, get_topic(type(domain_event)),
                            domain_event)])
            self.db.track(c, self.name, tracking.notification_id)

    def snapshot(self, *, portable: bool = False) -> dict[str, Any]:
        """Every row (sorted) and non-zero counter: two folds of the same log give equal
        snapshots. ``portable`` leaves out what depends on this store's keys."""
        result: dict[str, Any] = {}
        with self.db.reading() as c:
            for table in self.table_names:
                if portable and table in self.store_specific_tables:
                    continue
                c.execute(f"SELECT * FROM {{{table}}}")
                rows = [tuple(v for k, v in sorted(r.items()) if k not in self.unstable_columns)
                        for r in c.dicts()]
                result[table] = sorted(rows, key=repr)
            counters = c.execute(f"SELECT name, key, n FROM {{{COUNTERS}}} WHERE view = ? "
                                 "AND n <> 0", [self.name]).all()
        result["counters"] = sorted(counters, key=repr)
        return result

    # --- reading -----------------------------------------------------------------------------
    def rows(self, sql: str, params: Sequence[Any] = (), *,
             fresh: bool = True) -> list[tuple[Any, ...]]:
        """Rows of a query, after catching the views up (read-your-writes) if ``fresh``."""
        if fresh:
            self.views.catch_up()
        with self.db.reading() as c:
            return c.execute(sql, params).all()

    def counters(self, name: str) -> dict[str, int]:
        self.views.catch_up()
        return self.db.counters(self.name, name)


def moment(event: Any) -> str:
    """An event's time as stored in views: ISO 8601 in district time (sorts as text)."""
    stamp: datetime = event.timestamp
    return str(stamp.astimezone(DISTRICT_TIME).isoformat(timespec="seconds"))


def day(event: Any) -> str:
    return str(event.timestamp.astimezone(DISTRICT_TIME).date().isoformat())


def centi(hours: Any) -> int:
    """Hours as whole hundredths (hours have at most two decimals)."""
    from decimal import Decimal

    return int(Decimal(str(hours)) * 100)


def hours_text(centis: int) -> str:
    from decimal import Decimal

    from civicvol.app.report import hours_text as text

    return text(Decimal(centis) / 100)


def page(limit: int | None, offset: int) -> str:
    """LIMIT/OFFSET for a listing (both databases take a LIMIT with an OFFSET)."""
    return f" LIMIT {int(limit if limit is not None else 10**12)} OFFSET {max(int(offset), 0)}"

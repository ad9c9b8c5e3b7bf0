"""Keeping the views caught up with the log: inline before each query, or by a follower.

Catching up reads the notifications after the lowest tracked position, page by page, with
the views' topics as the filter, decodes each event once for every view that folds it, and
writes each page's rows and positions in one transaction, re-reading the positions under the
views' locks: a second process catching up the same views at the same moment skips what the
first applied, so no event is ever applied twice, and a crash loses at most an uncommitted
page, which the next catch-up reads again.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any
from uuid import UUID

from eventsourcing.persistence import Notification

from civicvol.domain.topics import VOLUNTEER
from civicvol.i18n import _
from civicvol.views.database import ViewDatabase
from civicvol.views.view import Counts, View

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol

PAGE = 5000
# The sealed contact details in a stored event's state: a flat JSON object (hex, base64).
_SEALED = re.compile(rb'"contact":\{"_type_":"contact","_data_":(\{[^{}]*\})\}')
log = logging.getLogger(__name__)
_CONTACT_TOPICS = (f"{VOLUNTEER}.Registered", f"{VOLUNTEER}.ContactUpdated")


class Unreadable:
    """An event the views could not decode (a damaged event, a missing plug-in)."""

    def __init__(self, reason: str) -> None:
        self.reason = reason


class Views:
    """The application's views (``app.views``): ``app.views.orders.list(...)`` and so on."""

    def __init__(self, app: CivicVol, view_classes: Iterable[type[View]],
                 db: ViewDatabase | None = None) -> None:
        self.app = app
        # ``db``: elsewhere than the store's database (a scratch copy, as of a past day).
        self.db = db or ViewDatabase(getattr(app.recorder, "datastore", None))
        self.db.create_common()
        self.by_name: dict[str, View] = {}
        for cls in view_classes:
            view = cls(self)
            view.create()
            self.by_name[view.name] = view
        self.auto = True  # catch up before every query (the embedded default)
        # Seconds a query waits for a follower ('civicvol views run') to reach the log's head,
        # instead of catching up itself; None: catch up inline.
        self.wait_for_follower: float | None = None
        self.page_size = PAGE
        # The sealed contact details of the page's events by position, as stored: the
        # directory keeps them as they are instead of sealing them again.
        self.sealed_contacts: dict[int, str] = {}

    def __getattr__(self, name: str) -> Any:
        by_name = self.__dict__.get("by_name", {})
        if name in by_name:
            return by_name[name]
        raise AttributeError(name)

    def __iter__(self) -> Any:
        return iter(self.by_name.values())

    def named(self, names: Sequence[str] = ()) -> list[View]:
        from civicvol.domain.errors import InvalidInput

        unknown = [n for n in names if n not in self.by_name]
        if unknown:
            raise InvalidInput(_("no view named {join}; the views are {join2}").format(
                                 join=', '.join(unknown), join2=', '.join(self.by_name)))
        return [self.by_name[n] for n in names] if names else list(self.by_name.values())

    # --- freshness ---------------------------------------------------------------------------
    @property
    def counting(self) -> list[str]:
        """The views that read no personal data (the report's)."""
        return [v.name for v in self if not v.reads_personal_data]

    def head(self) -> int:
        return int(self.app.recorder.max_notification_id() or 0)

    def status(self) -> list[dict[str, Any]]:
        head, positions = self.head(), self.db.positions()
        return [{"view": v.name, "position": positions.get(v.name, 0), "head": head,
                 "lag": head - positions.get(v.name, 0)} for v in self]

    def catch_up(self, names: Sequence[str] = (), *, force: bool = False,
                 progress: Callable[[int, int], None] | None = None) -> int:
        """Fold every event not yet in the views; returns how many events were read."""
        if not self.auto and not force:
            return 0
        if self.wait_for_follower is not None and not force:
            self.wait(self.head(), self.wait_for_follower)
            return 0
        views = self.named(names)
        head = self.head()
        positions = self.db.positions()
        lagging = [v for v in views if positions.get(v.name, 0) < head]
        if not lagging:
            return 0
        start = min(positions.get(v.name, 0) for v in lagging)
        topics = sorted({t for v in lagging for t in v.topics})
        read = 0
        while start < head:
            batch = self.app.recorder.select_notifications(
                start + 1, self.page_size, stop=head, topics=topics)
            reached = batch[-1].id if len(batch) == self.page_size else head
            self._apply(lagging, batch, reached,
                        personal=any(v.reads_personal_data for v in lagging))
            read += len(batch)
            start = reached
            if progress is not None:
                progress(start, head)
        return read

    def _apply(self, views: Sequence[View], batch: Sequence[Notification], reached: int, *,
               personal: bool) -> None:
        decoded = self._decode(batch, personal=personal)
        try:
            self._fold(views, decoded, reached, careful=False)
        except Exception:  # a handler failed: fold the page again, event by event
            self._fold(views, decoded, reached, careful=True)

    def _fold(self, views: Sequence[View], decoded: Sequence[tuple[int, str, Any]],
              reached: int, *, careful: bool) -> None:
        with self.db.writing(*(v.name for v in views)) as c:
            positions = self.db.positions(c)  # under the lock: what another process did counts
            counts: dict[str, Counts] = {}
            for view in views:
                done = positions.get(view.name, 0)
                if done >= reached:
                    continue
                mine = [e for e in decoded if e[0] > done and e[1] in view.handlers]
                counts[view.name] = Counter()
                failed = view.apply(c, [e for e in mine if not isinstance(e[2], Unreadable)],
                                    careful=careful, counts=counts[view.name])
                failed += [(p, t, e.reason) for p, t, e in mine if isinstance(e, Unreadable)]
                for position, topic, reason in failed:
                    log.warning("view %s skips the event at position %s (%s): %s",
                                view.name, position, topic, reason)
                    self.db.skip(c, view.name, position, topic, reason)
            # Every view's counters and position in two statements, in the same transaction.
            c.add_all(counts)
            self.db.track_all(c, list(counts), reached)

    def _decode(self, batch: Sequence[Notification], *,
                personal: bool = True) -> list[tuple[int, str, Any]]:
        keys = self.app.personal_keys
        if not personal:  # views that only count never open anyone's details
            with keys.withheld():
                return self._decode_each(batch)
        subjects = []
        self.sealed_contacts = {}
        for n in batch:  # load the page's personal keys in a few statements, not one each
            found = _SEALED.search(n.state) if n.topic in _CONTACT_TOPICS else None
            if found is not None:
                contact = json.loads(found.group(1))
                if "sealed" in contact:
                    subjects.append(UUID(contact["subject"]))
                    self.sealed_contacts[n.id] = found.group(1).decode()
        if subjects:
            keys.prefetch(subjects)
        return self._decode_each(batch)

    def _decode_each(self, batch: Sequence[Notification]) -> list[tuple[int, str, Any]]:
        decoded: list[tuple[int, str, Any]] = []
        for n in batch:
            try:
                decoded.append((n.id, n.topic, self.app.mapper.to_domain_event(n)))
            except Exception as error:  # one bad event never takes the views down: it is
                # recorded as skipped (civicvol_view_skipped), and the report names it
                decoded.append((n.id, n.topic, Unreadable(f"{type(error).__name__}: {error}")))
        return decoded

    def skipped(self) -> list[dict[str, Any]]:
        """The events the views could not read, with the reason: a view that skipped one is
        incomplete until it is rebuilt with the code (or plug-in) that reads it."""
        return self.db.skipped()

    def rebuild(self, names: Sequence[str] = (),
                progress: Callable[[int, int], None] | None = None) -> int:
        """Refold views from position 1: their rows, counters and positions are cleared in one
        transaction, then they catch up together, page by page, like any lagging views (a
        query made meanwhile catches them up itself, so it never sees a half-built view)."""
        views = self.named(names)
        with self.db.writing(*(v.name for v in views)) as c:
            for view in views:
                view.clear(c)
        return self.catch_up([v.name for v in views], force=True, progress=progress)

    def snapshot(self, names: Sequence[str] = (), *, portable: bool = False
                 ) -> dict[str, Any]:
        """Each view's rows and counters, caught up (see :meth:`View.snapshot`)."""
        self.catch_up(names, force=True)
        return {v.name: v.snapshot(portable=portable) for v in self.named(names)}

    def differences(self, names: Sequence[str] = ()) -> list[str]:
        """What a rebuild from position 1 would change: the rows that differ, per view.
        Rebuilds into a scratch copy would need the personal keys; this rebuilds in place
        and says what the rebuild corrected."""
        before = self.snapshot(names)
        self.rebuild(names)
        after = self.snapshot(names)
        found = []
        for view, tables in before.items():
            for table, rows in tables.items():
                if rows != after[view][table]:
                    extra = len(set(map(repr, rows)) - set(map(repr, after[view][table])))
                    missing = len(set(map(repr, after[view][table])) - set(map(repr, rows)))
                    found.append(f"view {view}, {table}: {extra} rows the rebuild removed, "
                                 f"{missing} rows it added")
        return found

    def wait(self, position: int, timeout: float = 10.0) -> None:
        """Wait until every view has reached ``position`` (a follower elsewhere applies it)."""
        from civicvol.domain.errors import ViewsBehind

        deadline = time.monotonic() + timeout
        while True:
            positions = self.db.positions()
            if all(positions.get(v.name, 0) >= position for v in self):
                return
            if time.monotonic() > deadline:
                raise ViewsBehind(_("the views did not reach position {position} within "
                                    "{timeout:g} s; is the views' runner running?").format(
                                    position=position, timeout=timeout)).hinted(
                                        _("'civicvol views run' runs it"))
            time.sleep(0.05)

    def follow(self, names: Sequence[str] = (), *, stop_after: float | None = None) -> None:
        """Follow the log: catch up, then fold new events as they are recorded (PostgreSQL's
        LISTEN/NOTIFY subscription; on SQLite, polling) until ``stop_after`` seconds."""
        import threading

        self.catch_up(names, force=True)
        subscribe = getattr(self.app.recorder, "subscribe", None)
        if self.db.dialect == "postgres" and subscribe is not None:
            with subscribe(gt=self.head()) as subscription:
                timer = threading.Timer(stop_after, subscription.stop) if stop_after else None
                if timer is not None:
                    timer.start()
                try:
                    # Each notification wakes the follower; catching up folds everything
                    # recorded since, in pages, under the views' locks.
                    for notification in subscription:
                        if notification.id > min(p["position"] for p in self.status()
                                                 if not names or p["view"] in names):
                            self.catch_up(names, force=True)
                finally:
                    if timer is not None:
                        timer.cancel()
            return
        deadline = None if stop_after is None else time.monotonic() + stop_after
        while deadline is None or time.monotonic() < deadline:
            if not self.catch_up(names, force=True):
                time.sleep(0.2)

"""The plug-in test kit: fixtures and a conformance test case that every plug-in passes.

It is a pytest plug-in (registered as ``civicvol-testkit`` in the ``pytest11`` entry-point
group), so installing civicvol makes its fixtures available to any test suite::

    def test_a_session_is_held(plugin_district):
        app = plugin_district(haircut_plugin, name="haircut-days")
        haircuts = app.plugin("haircut-days")
        ...

    class TestHaircutDaysConforms(PluginConformance):
        plugin = haircut_plugin
        name = "haircut-days"

        def exercise(self, app):      # make the plug-in write its events, via its commands
            ...

Plug-ins are registered as objects (no entry point, no install needed).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar

import pytest
from eventsourcing.utils import get_topic

from civicvol.app import authorization
from civicvol.app.application import CivicVol
from civicvol.app.report import event_topic, fold_log
from civicvol.domain.point_account import PointAccount
from civicvol.domain.points_scheme import PointsScheme
from civicvol.domain.provenance import is_within
from civicvol.domain.values import Actor
from civicvol.i18n import _
from civicvol.plugins import hookspecs
from civicvol.plugins.errors import CommandRefusedByPlugin
from civicvol.plugins.extensions import PluginExtensions
from civicvol.plugins.manager import LOADED, PluginHost, PluginRecord, event_modules
from civicvol.plugins.markers import hookimpl
from civicvol.plugins.settings import resolve_settings

HOOK_NAMES = frozenset(n for n in dir(hookspecs) if hasattr(getattr(hookspecs, n),
                                                              "civicvol_spec"))


def host_with(plugins: Mapping[str, object]) -> PluginHost:
    """A plug-in host with exactly ``plugins`` ({name: plug-in object}) registered; a plug-in
    that does not load fails the test with the reason."""
    host = PluginHost()
    for name, plugin in plugins.items():
        record = host.register(plugin, name)
        assert record.status == LOADED, f"plug-in {name!r} did not load: {record.reason}"
    return host


def open_test_district(
    plugin: object | None = None,
    name: str = "",
    *,
    plugins: Mapping[str, object] | None = None,
    host: PluginHost | None = None,
    store: str = "memory://",
    config: Mapping[str, Mapping[str, Any]] | None = None,
    points_scheme: PointsScheme | None = None,
    extensions: type[PluginExtensions] = PluginExtensions,
) -> CivicVol:
    """A district application with the given plug-in (or ``plugins``, or a ready ``host``).

    ``config`` is what civicvol.toml's ``[plugins.*]`` tables would hold, e.g.
    ``{"haircut-days": {"points_per_session": 12}}``. The caller closes the application.
    """
    if host is None:
        chosen = dict(plugins or {})
        if plugin is not None:
            chosen[name or getattr(plugin, "__name__", type(plugin).__name__)] = plugin
        host = host_with(chosen)
    ext = extensions(host, config or {}, on_failure=lambda failure: None)
    app = CivicVol(store, points_scheme=points_scheme, extensions=ext)
    ext.start(app)
    return app


@pytest.fixture
def plugin_district(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                    ) -> Iterator[Callable[..., CivicVol]]:
    """A factory of district applications with plug-ins registered (see
    :func:`open_test_district`); ``store="sqlite"`` gives a fresh SQLite file. Every
    application made is closed after the test, and the plug-ins' grants are forgotten."""
    monkeypatch.setattr(authorization, "PERMISSIONS", dict(authorization.PERMISSIONS))
    opened: list[CivicVol] = []

    def make(*args: Any, **kwargs: Any) -> CivicVol:
        if kwargs.get("store") == "sqlite":
            kwargs["store"] = f"sqlite:///{tmp_path / f'district-{len(opened)}.db'}"
        app = open_test_district(*args, **kwargs)
        opened.append(app)
        return app

    yield make
    for app in opened:
        app.close()


class DecisionsStoreNothing(PluginExtensions):
    """Extensions that check every decision hook leaves the store as it found it."""

    def before_save(self, app: CivicVol, command: str, actor: Actor,
                    events: Sequence[Any]) -> None:
        before = app.event_count()
        super().before_save(app, command, actor, events)
        assert app.event_count() == before, f"a decision hook stored events during {command}"

    def points_for_order(self, app: CivicVol, order: Any, scheme: PointsScheme) -> int:
        before = app.event_count()
        points = super().points_for_order(app, order, scheme)
        assert app.event_count() == before, "a points_for_order hook stored events"
        return points

    def points_for_credit(self, app: CivicVol, volunteer_id: Any, points: int,
                          source: Any) -> int:
        before = app.event_count()
        decided = super().points_for_credit(app, volunteer_id, points, source)
        assert app.event_count() == before, "a points_for_credit hook stored events"
        return decided


class VetoPluginEvents:
    """A plug-in that refuses every command storing events of the modules given."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = tuple(modules)

    @hookimpl
    def validate_command(self, events: Sequence[Any]) -> str | None:
        for event in events:
            module = get_topic(type(event)).partition(":")[0]
            if any(is_within(module, m) for m in self.modules):
                return "the conformance test refuses every command of the plug-in"
        return None


class PluginConformance:
    """Subclass it as ``TestXConforms`` and set ``plugin``, ``name``; implement
    :meth:`exercise`, and :meth:`state` if the plug-in keeps state beyond its events.

    ``exercise(app)`` must make the plug-in write its events through its own commands (it
    may build the teams and volunteers it needs with the core commands first).
    """

    plugin: ClassVar[object]
    name: ClassVar[str]
    config: ClassVar[Mapping[str, Any]] = {}
    stores: ClassVar[Sequence[str]] = ("memory", "sqlite")

    def exercise(self, app: CivicVol) -> None:
        """Use the plug-in's commands; must write at least one of its events."""
        raise AssertionError(_("{kind} must define exercise(app)").format(
                               kind=type(self).__name__))

    def state(self, app: CivicVol) -> Any:
        """What the plug-in knows, as seen through its service (default: the state of every
        aggregate it wrote, loaded from the store)."""
        return {str(i): _aggregate_state(app.repository.get(i))
                for i in self.plugin_aggregate_ids(app)}

    # --- helpers -----------------------------------------------------------------------------
    def open(self, store: str = "memory://", **kwargs: Any) -> CivicVol:
        return open_test_district(self.plugin, self.name, store=store,
                                  config={self.name: dict(self.config)}, **kwargs)

    def record(self, app: CivicVol) -> PluginRecord:
        extensions = app.extensions
        assert isinstance(extensions, PluginExtensions)
        return extensions.host.records[self.name]

    def plugin_notifications(self, app: CivicVol) -> list[Any]:
        """The stored events of the plug-in's own classes, in order."""
        modules = self.record(app).modules
        return [n for n in app.all_events()
                if any(is_within(n.topic.partition(":")[0], m) for m in modules)]

    def plugin_topics(self, app: CivicVol) -> list[str]:
        return [n.topic for n in self.plugin_notifications(app)]

    def plugin_aggregate_ids(self, app: CivicVol) -> list[Any]:
        return list(dict.fromkeys(n.originator_id for n in self.plugin_notifications(app)))

    def sections(self, app: CivicVol) -> list[Any]:
        extensions = app.extensions
        assert isinstance(extensions, PluginExtensions)
        result = extensions.host.call_one(self.record(app), "report_sections", app=app,
                                          **extensions.own_arguments(app, self.name))
        return [s for s in (result if isinstance(result, list | tuple) else [result])
                if s is not None]

    def credits_naming_no_record(self, app: CivicVol) -> list[str]:
        """The credits whose ``Source.id`` names no stored record (``audit trace-points``
        cannot follow them to what earned them)."""
        stored = {n.originator_id for n in app.all_events()}
        credited = event_topic(PointAccount, "Credited")
        return [str(e.source) for _, e in app.decoded_events(topics=[credited])
                if e.source.record_id not in stored]

    def store_url(self, kind: str, tmp_path: Path) -> str:
        return "memory://" if kind == "memory" else f"sqlite:///{tmp_path / 'conform.db'}"

    # --- the contract ------------------------------------------------------------------------
    def test_it_loads_with_known_hooks_and_valid_default_settings(self) -> None:
        app = self.open()
        try:
            record = self.record(app)
            assert record.status == LOADED, record.reason
            assert set(record.hooks) <= HOOK_NAMES
            resolve_settings(self.name, record.settings, {})
        finally:
            app.close()

    def test_its_events_round_trip_through_storage(self, tmp_path: Path) -> None:
        for kind in self.stores:
            app = self.open(self.store_url(kind, tmp_path))
            try:
                self.exercise(app)
                assert self.plugin_topics(app), f"exercise() wrote no {self.name} events"
                for stored in app.all_events():
                    event = app.mapper.to_domain_event(stored)
                    again = app.mapper.to_domain_event(app.mapper.to_stored_event(event))
                    assert again == event, f"{stored.topic} changes through storage"
            finally:
                app.close()

    def test_replay_into_a_fresh_application_rebuilds_its_state(self, tmp_path: Path) -> None:
        store = self.store_url("sqlite", tmp_path)
        live = self.open(store)
        try:
            self.exercise(live)
            expected = self.state(live)
        finally:
            live.close()
        fresh = self.open(store)
        try:
            assert self.state(fresh) == expected
        finally:
            fresh.close()

    def test_its_decision_hooks_store_nothing(self) -> None:
        app = self.open(extensions=DecisionsStoreNothing)
        try:
            self.exercise(app)
        finally:
            app.close()

    def test_a_refused_command_of_it_stores_nothing(self) -> None:
        modules = event_modules(self.plugin)
        host = host_with({self.name: self.plugin, "veto": VetoPluginEvents(modules)})
        app = open_test_district(host=host, config={self.name: dict(self.config)})
        try:
            with pytest.raises(CommandRefusedByPlugin) as refused:
                self.exercise(app)
            assert refused.value.plugin == "veto"
            assert self.plugin_topics(app) == []
            assert self.credits_naming_no_record(app) == [], (
                "a refused command left credits for a record that was never stored: save "
                "the record and its credits in one transaction (with_aggregates=[record])")
        finally:
            app.close()

    def test_its_events_say_who_made_them(self) -> None:
        app = self.open()
        try:
            self.exercise(app)
            anonymous = [n.topic for n in self.plugin_notifications(app)
                         if not isinstance(getattr(app.mapper.to_domain_event(n), "by", None),
                                           Actor)]
            assert anonymous == [], ("events stored without by=Actor (the audit trail names "
                                     f"who made every event): {sorted(set(anonymous))}")
        finally:
            app.close()

    def test_its_credits_name_the_record_that_earned_them(self) -> None:
        app = self.open()
        try:
            self.exercise(app)
            assert self.credits_naming_no_record(app) == [], (
                "Source.id must be the id of the record that earned the points (optionally "
                "'/part'), so that audit trace-points can follow the credit")
        finally:
            app.close()

    def test_its_observers_do_not_fail(self) -> None:
        app = self.open()
        try:
            self.exercise(app)
            extensions = app.extensions
            assert isinstance(extensions, PluginExtensions)
            assert [str(f) for f in extensions.failures if f.plugin == self.name] == []
        finally:
            app.close()

    def test_its_report_sections_are_json_and_computed_from_events(
        self, tmp_path: Path
    ) -> None:
        store = self.store_url("sqlite", tmp_path)
        app = self.open(store)
        try:
            empty = [s.as_dict() for s in self.sections(app)]
            self.exercise(app)
            unfed = [s.as_dict() for s in self.sections(app)]
            assert unfed == empty, ("a report section fed no events shows figures: it reads "
                                    "live state, so 'civicvol report --as-of' would be wrong; "
                                    "compute every figure in fold()")
            live = self.sections(app)
            fold_log(app.all_events(), app.mapper, live)
            figures = [s.as_dict() for s in live]
            json.dumps(figures)
        finally:
            app.close()
        if not figures:
            return
        assert figures != empty, "the report sections do not change with the plug-in's events"
        fresh = self.open(store)
        try:
            replayed = self.sections(fresh)
            fold_log(fresh.all_events(), fresh.mapper, replayed)
            assert [s.as_dict() for s in replayed] == figures
        finally:
            fresh.close()


    def test_its_views_rebuilt_from_position_1_equal_the_views_kept_live(
        self, tmp_path: Path
    ) -> None:
        app = self.open(self.store_url("sqlite", tmp_path))
        try:
            names = [v.name for v in app.extensions.views()]
            if not names:
                pytest.skip(f"plug-in {self.name!r} brings no views")
            app.views.catch_up(force=True)  # kept live from the start, as commands are made
            self.exercise(app)
            live = app.views.snapshot(names)
            app.views.rebuild(names)
            assert app.views.snapshot(names) == live
        finally:
            app.close()

    def test_its_report_sections_kept_incrementally_equal_a_fold_from_position_1(
        self, tmp_path: Path
    ) -> None:
        from civicvol.app.views import district_report

        app = self.open(self.store_url("sqlite", tmp_path))
        try:
            district_report(app)  # saves each section's state at the start
            self.exercise(app)
            kept = district_report(app)  # restores it and folds only the events since
            folded = self.sections(app)
            fold_log(app.all_events(), app.mapper, folded)
            for section in folded:
                assert kept[section.name] == section.as_dict(), (
                    f"report section {section.name!r} kept incrementally differs from a fold "
                    "from position 1; keep its state in plain attributes")
        finally:
            app.close()


def _aggregate_state(aggregate: Any) -> dict[str, Any]:
    return {k: v for k, v in vars(aggregate).items() if not k.startswith("_")} | {
        "version": aggregate.version}

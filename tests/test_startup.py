"""Starting the command line imports only what the command needs (issue 14).

Not timed (benchmarks/startup.py measures): each test starts ``civicvol`` in a fresh Python
and inspects ``sys.modules`` after the command has run.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import click
import pytest

import civicvol.store
from civicvol.cli import COMMANDS, STORE_ENV, cli
from civicvol.plugins.discovery import ALLOW_ENV, installed_plugins

# What a start must not pay for: the application and its store, the plug-ins' domains, and
# the heavy libraries that only some commands need.
HEAVY = ("eventsourcing", "rich", "cryptography", "psycopg", "chinese_calendar", "icalendar",
         "matplotlib", "weasyprint", "segno", "civicvol.office",
         "civicvol.app", "civicvol.audit", "civicvol.plugins.manager")
PLUGIN_DOMAIN = ("commands", "report", "cli", "demo")
# The core's modules that define aggregates (and so event classes).
AGGREGATE_MODULES = {f"civicvol.domain.{name}" for name in (
    "district_settings", "membership", "point_account", "points_validity", "provenance",
    "redemption_code", "service_catalogue", "service_order", "station", "team", "volunteer")}


def modules_after(*args: str, env: dict[str, str] | None = None) -> set[str]:
    """The modules imported by ``civicvol ARGS`` run in a fresh interpreter."""
    program = ("import json, sys\n"
               f"sys.argv = ['civicvol', *{list(args)!r}]\n"
               "from civicvol.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                          timeout=120, check=False, env={**os.environ, **(env or {})})
    return set(json.loads(done.stderr.strip().splitlines()[-1]))


def heavy_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def plugin_domain_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules
                  if m.startswith("civicvol.plugins.") and m.count(".") == 3
                  and m.rsplit(".", 1)[1] in PLUGIN_DOMAIN)


@pytest.fixture
def one_volunteer(tmp_path: Path) -> tuple[str, str]:
    """A SQLite store holding one volunteer: its URL and the volunteer's id."""
    from civicvol import Actor, CivicVol

    store = f"sqlite:///{tmp_path / 'small.db'}"
    app = CivicVol(store)
    volunteer = app.register_volunteer(Actor("administrator", "a"), "李师傅", "13800138000",
                                       "东庄社区")
    app.close()
    return store, str(volunteer)


@pytest.fixture(scope="module")
def version_modules() -> set[str]:
    return modules_after("--version")


class TestStartingTheCommandLine:
    def test_version_imports_no_command_no_plugin_and_no_heavy_library(
            self, version_modules: set[str]) -> None:
        assert "civicvol.cli" in version_modules
        assert heavy_in(version_modules) == []
        assert [m for m in version_modules if m.startswith("civicvol.plugins.")] == []
        assert [m for m in version_modules if m.startswith("civicvol.cli.")
                and m not in ("civicvol.cli.guard", "civicvol.cli.lazy_group",
                              "civicvol.cli.localise")] == []

    def test_help_lists_the_plugins_groups_without_importing_them(self) -> None:
        modules = modules_after("--help")
        assert heavy_in(modules) == []
        assert plugin_domain_in(modules) == []
        assert not any(m.endswith(".plugin") for m in modules)

    def test_plugins_json_imports_the_hook_modules_but_no_plugin_domain(self) -> None:
        # The built-in plug-ins (an external one's hook module is its author's to keep light).
        builtin = ",".join(p.name for p in installed_plugins() if p.distribution == "civicvol")
        modules = modules_after("plugins", "--json", env={ALLOW_ENV: builtin})
        assert "civicvol.plugins.haircut_days.plugin" in modules  # it did look at them
        assert plugin_domain_in(modules) == []
        assert [m for m in modules if m.startswith("eventsourcing")] == []

    def test_a_read_command_imports_no_audit_tool_and_builds_no_type_checks(
            self, one_volunteer: tuple[str, str]) -> None:
        store, volunteer = one_volunteer
        modules = modules_after("--store", store, "volunteer", "show", volunteer)
        assert "civicvol.views.volunteers" in modules  # it did read the volunteer
        # beartype builds a command's check on its first call; the auditor's tools load
        # with their own commands, not with the volunteer group.
        assert sorted(m for m in modules if m == "beartype" or m.startswith((
            "beartype.", "civicvol.audit.certificate", "civicvol.audit.replay",
            "civicvol.audit.trace", "civicvol.cli.audit"))) == []

    def test_a_json_read_makes_no_plugin_service_and_imports_no_terminal_library(
            self, one_volunteer: tuple[str, str]) -> None:
        store, volunteer = one_volunteer
        modules = modules_after("--store", store, "volunteer", "show", volunteer, "--json")
        assert "civicvol.views.volunteers" in modules  # it did read the volunteer
        assert "civicvol.plugins.rider_clues.plugin" in modules  # the plug-ins were loaded
        # ... but no plug-in's service was made (register_service runs on first need), and
        # rich is for tables, not JSON.
        assert plugin_domain_in(modules) == []
        assert [m for m in modules if m == "rich" or m.startswith("rich.")] == []

    def test_a_read_imports_only_the_records_it_reads(
            self, one_volunteer: tuple[str, str]) -> None:
        # eventsourcing makes a dataclass of each of the core's 86 event classes as their
        # module loads: the views and the application name records by topic, so showing a
        # volunteer loads the volunteer's module and no other aggregate's.
        store, volunteer = one_volunteer
        modules = modules_after("--store", store, "volunteer", "show", volunteer, "--json")
        assert "civicvol.domain.volunteer" in modules  # it did read the record
        assert sorted(m for m in modules if m in AGGREGATE_MODULES) == [
            "civicvol.domain.volunteer"]

    def test_import_civicvol_imports_neither_the_application_nor_eventsourcing(self) -> None:
        done = subprocess.run(
            [sys.executable, "-c", "import json, sys, civicvol\n"
             "print(json.dumps(sorted(sys.modules)))"],
            capture_output=True, text=True, timeout=60, check=True)
        assert heavy_in(set(json.loads(done.stdout))) == []


class TestTheCommandTable:
    def test_every_command_help_in_the_table_is_the_commands_own(self) -> None:
        for name, lazy in COMMANDS.items():
            command = lazy.load()
            assert command.name == name
            assert lazy.help == command.get_short_help_str(limit=200), name

    def test_a_command_runs_from_the_table_and_is_imported_once(self) -> None:
        ctx = click.Context(cli)
        first = cli.get_command(ctx, "team")
        assert first is not None and first is cli.get_command(ctx, "team")

    def test_the_store_variable_is_the_stores(self) -> None:
        assert STORE_ENV == civicvol.store.STORE_ENV

    def test_civicvol_still_offers_its_names(self) -> None:
        import civicvol

        assert civicvol.CivicVol.__name__ == "CivicVol"
        with pytest.raises(AttributeError, match="has no attribute 'Nothing'"):
            _ = civicvol.Nothing  # type: ignore[attr-defined]


class TestRecordsNamedByTopic:
    """What names a record by topic (so that naming it imports nothing) names a real one."""

    def test_every_view_folds_events_that_exist(self, tmp_path: Path) -> None:
        from eventsourcing.domain import DomainEvent
        from eventsourcing.utils import resolve_topic

        from civicvol import CivicVol

        app = CivicVol(f"sqlite:///{tmp_path / 'topics.db'}")
        try:
            handled = {topic for view in app.views for topic in view.handlers}
        finally:
            app.close()
        assert len(handled) > 40  # every core view's events, not an empty set
        wrong = sorted(t for t in handled if not issubclass(resolve_topic(t), DomainEvent))
        assert wrong == []

    def test_the_provenance_topics_are_the_provenance_records_events(self) -> None:
        from eventsourcing.utils import get_topic

        from civicvol.app.provenance import PROVENANCE_TOPICS
        from civicvol.domain.provenance import PluginProvenance

        events = [PluginProvenance.Recorded, PluginProvenance.VersionRecorded]
        assert [get_topic(e) for e in events] == PROVENANCE_TOPICS

    def test_every_aggregate_named_for_its_errors_exists(self) -> None:
        from eventsourcing.domain import Aggregate
        from eventsourcing.utils import resolve_topic

        from civicvol.app import application

        for table in (application._WHAT, application._NOT_FOUND, application._LISTED_BY):
            assert all(issubclass(resolve_topic(t), Aggregate) for t in table), table

    def test_the_core_topics_name_the_aggregates(self) -> None:
        from eventsourcing.domain import Aggregate
        from eventsourcing.utils import get_topic, resolve_topic

        from civicvol.domain import topics

        named = {v for k, v in vars(topics).items() if k.isupper()}
        assert len(named) == 6
        for topic in named:
            assert issubclass(resolve_topic(topic), Aggregate)
            assert get_topic(resolve_topic(topic)) == topic

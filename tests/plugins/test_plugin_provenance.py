"""The store knows which plug-in, in which version, wrote which events; reading a history
whose plug-in is not installed names the plug-in to install instead of failing on an import."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from uuid import uuid4

import pytest
from eventsourcing.persistence import StoredEvent

import civicvol
from civicvol import Actor, CivicVol, open_district
from civicvol.domain.provenance import PluginProvenance, plugin_provenance_id
from civicvol.plugins import CommandRefusedByPlugin, PluginHost, hookimpl
from civicvol.plugins.errors import UnknownEventTopic
from tests.plugins.fake_dists import FakeSite
from tests.plugins.fake_dists import site as site  # the fixture

NOTES_PLUGIN = """
    from eventsourcing.domain import event

    from civicvol.domain.base import CivicAggregate
    from civicvol.plugins import hookimpl

    __version__ = "0.3.0"


    class Note(CivicAggregate):
        @event("Written")
        def __init__(self, text, by):
            self.text = text


    class Notes:
        def __init__(self, app):
            self.app = app

        def write(self, actor, text):
            note = Note(text, by=actor)
            self.app.commit("note.write", actor, note)
            return note.id


    @hookimpl
    def register_service(app):
        return Notes(app)
"""
EDITOR = Actor("administrator", "editor-1")
PROVENANCE_EVENTS = ("Recorded", "VersionRecorded")


def notes_module(site: FakeSite) -> ModuleType:
    return importlib.import_module(site.module(NOTES_PLUGIN))


def open_with_notes(store: str, module: ModuleType, *others: tuple[str, object]) -> CivicVol:
    host = PluginHost()
    for name, plugin in (("notes", module), *others):
        assert host.register(plugin, name).status == "loaded"
    return open_district(store, plugins=host)


def provenance(app: CivicVol) -> list[tuple[str, tuple[str, ...]]]:
    found = []
    for n in app.all_events():
        if n.topic.startswith("civicvol.domain.provenance:"):
            e = app.mapper.to_domain_event(n)
            found.append((type(e).__name__, e.version))
    return found


def civicvol_here(store: str, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``civicvol --store STORE ARGS`` in a fresh process with this civicvol and nothing else
    on the path (so the test's plug-in is not installed there)."""
    env = {**os.environ, "PYTHONPATH": str(Path(civicvol.__file__).resolve().parents[1])}
    return subprocess.run(
        [sys.executable, "-c", "from civicvol.cli import main; main()", "--store", store, *args],
        capture_output=True, text=True, env=env, cwd=cwd, check=False, timeout=120)


class TestProvenance:
    def test_the_first_write_of_a_plugin_records_its_name_and_version(
        self, site: FakeSite, store_url: str
    ) -> None:
        module = notes_module(site)
        app = open_with_notes(store_url, module)
        try:
            app.plugin("notes").write(EDITOR, "第39期简报已出")
            app.plugin("notes").write(EDITOR, "第40期简报在编")
            assert provenance(app) == [("Recorded", "0.3.0")]
            record = app.repository.get(plugin_provenance_id("notes"))
            assert isinstance(record, PluginProvenance)
            assert (record.plugin, record.versions, record.modules) == (
                "notes", ["0.3.0"], (module.__name__,))
            app.create_team(EDITOR, "龙江编辑部", "special")  # core events: nothing recorded
            assert len(provenance(app)) == 1
        finally:
            app.close()

    def test_a_new_version_is_recorded_when_it_first_writes(self, site: FakeSite,
                                                           tmp_path: Path) -> None:
        module = notes_module(site)
        store = f"sqlite:///{tmp_path / 'd.db'}"
        for version in ("0.3.0", "0.4.0", "0.4.0"):
            module.__version__ = version
            app = open_with_notes(store, module)
            try:
                app.plugin("notes").write(EDITOR, f"written by {version}")
            finally:
                app.close()
        app = open_with_notes(store, module)
        try:
            assert provenance(app) == [("Recorded", "0.3.0"), ("VersionRecorded", "0.4.0")]
        finally:
            app.close()

    def test_a_refused_first_write_records_no_provenance_either(self, site: FakeSite) -> None:
        class NoNotes:
            @hookimpl
            def validate_command(self, command: str) -> str | None:
                return "the editorial board is on holiday" if command == "note.write" else None

        app = open_with_notes("memory://", notes_module(site), ("holiday", NoNotes()))
        try:
            with pytest.raises(CommandRefusedByPlugin):
                app.plugin("notes").write(EDITOR, "假期也写")
            assert app.event_count() == 0
        finally:
            app.close()


READ_WITHOUT_THE_PLUGIN = """
    import json, sys
    from uuid import UUID

    from civicvol import open_district
    from civicvol.app.views import district_report
    from civicvol.plugins import PluginMissing

    app = open_district(sys.argv[1])
    report = district_report(app)
    try:
        app.repository.get(UUID(sys.argv[2]))
    except PluginMissing as error:
        print(json.dumps({"plugin": error.plugin, "version": error.version,
                          "message": str(error), "exit_code": error.exit_code,
                          "teams": report["teams"]["total"]}))
"""


class TestMissingPlugin:
    def test_replaying_without_the_plugin_names_the_plugin_and_version(
        self, site: FakeSite, tmp_path: Path
    ) -> None:
        store = f"sqlite:///{tmp_path / 'd.db'}"
        app = open_with_notes(store, notes_module(site))
        try:
            app.create_team(EDITOR, "龙江编辑部", "special")
            note = app.plugin("notes").write(EDITOR, "第39期简报已出")
        finally:
            app.close()
        # The same civicvol as this test process, and nothing else on the path.
        env = {**os.environ, "PYTHONPATH": str(Path(civicvol.__file__).resolve().parents[1])}
        result = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(READ_WITHOUT_THE_PLUGIN), store, str(note)],
            capture_output=True, text=True, env=env, cwd=tmp_path, check=False, timeout=120)
        assert result.returncode == 0, result.stderr
        found = json.loads(result.stdout)
        assert (found["plugin"], found["version"]) == ("notes", "0.3.0")
        assert "plug-in 'notes' (version 0.3.0), which is not installed" in found["message"]
        # Only installing helps: a plug-in installed but left out by CIVICVOL_PLUGINS still
        # reads its events (its classes import), so the message does not send users there.
        assert "CIVICVOL_PLUGINS" not in found["message"]
        assert found["teams"] == 1  # the core report still reads the history

    def test_a_plugin_installed_but_not_loaded_still_reads_its_events(
        self, site: FakeSite, tmp_path: Path
    ) -> None:
        store = f"sqlite:///{tmp_path / 'd.db'}"
        app = open_with_notes(store, notes_module(site))
        try:
            note = app.plugin("notes").write(EDITOR, "第39期简报已出")
        finally:
            app.close()
        without = open_district(store, plugins=PluginHost())
        try:
            assert without.repository.get(note).id == note
        finally:
            without.close()

    def test_the_report_names_a_missing_plugin_once_and_carries_on(
        self, site: FakeSite, tmp_path: Path
    ) -> None:
        store = f"sqlite:///{tmp_path / 'd.db'}"
        app = open_with_notes(store, notes_module(site))
        try:
            app.create_team(EDITOR, "龙江编辑部", "special")
            first = app.plugin("notes").write(EDITOR, "第39期简报已出")
            second = app.plugin("notes").write(EDITOR, "第40期简报在编")
        finally:
            app.close()
        result = civicvol_here(store, tmp_path, "report", "--json")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["teams"]["total"] == 1  # the core figures are all there
        assert report["missing_plugins"] == [{
            "plugin": "notes", "versions": ["0.3.0"], "events_skipped": 2,
            "records_not_rebuilt": sorted([str(first), str(second)])}]
        assert result.stderr.count("plug-in 'notes' (version 0.3.0) is not installed") == 1
        replayed = civicvol_here(store, tmp_path, "audit", "replay")
        assert replayed.returncode == 0, replayed.stdout + replayed.stderr
        assert "DISCREPANCY" not in replayed.stdout and "every figure agrees" in replayed.stdout
        assert replayed.stderr.count("plug-in 'notes' (version 0.3.0) is not installed") == 1

    def test_the_history_of_a_missing_plugins_record_shows_what_it_can(
        self, site: FakeSite, tmp_path: Path
    ) -> None:
        store = f"sqlite:///{tmp_path / 'd.db'}"
        app = open_with_notes(store, notes_module(site))
        try:
            note = app.plugin("notes").write(EDITOR, "第39期简报已出")
            (position,) = [n.id for n in app.all_events() if n.originator_id == note]
        finally:
            app.close()

        def history(*more: str) -> subprocess.CompletedProcess[str]:
            return civicvol_here(store, tmp_path, "audit", "history", str(note), *more)

        shown = history("--json")
        assert shown.returncode == 0, shown.stderr
        (row,) = json.loads(shown.stdout)
        assert row["event"] == "Note.Written" and row["version"] == 1
        assert row["position"] == position  # its place in the chain, read without the class
        assert row["unreadable"] == {"plugin": "notes", "version": "0.3.0"}
        assert shown.stderr.count("plug-in 'notes' (version 0.3.0), which is not installed") == 1
        table = history()
        assert table.returncode == 0, table.stderr
        assert "Note.Written" in table.stdout and "[not readable without" in table.stdout

    def test_a_plugin_left_out_is_named_by_the_report_not_dropped(
        self, site: FakeSite, tmp_path: Path
    ) -> None:
        store = f"sqlite:///{tmp_path / 'd.db'}"
        app = open_with_notes(store, notes_module(site))
        try:
            app.plugin("notes").write(EDITOR, "第39期简报已出")
        finally:
            app.close()
        from civicvol.app.views import district_report

        without = open_district(store, plugins=PluginHost())  # installed, not loaded
        try:
            report = district_report(without)
        finally:
            without.close()
        (left_out,) = report["plugins_not_loaded"]
        assert (left_out["plugin"], left_out["versions"]) == ("notes", ["0.3.0"])
        assert "missing_plugins" not in report  # its events read: it is not missing
        core = CivicVol(store)  # the core alone loads no plug-ins by design: nothing to say
        try:
            assert "plugins_not_loaded" not in district_report(core)
        finally:
            core.close()

    def test_an_unknown_class_with_no_recorded_writer_is_named(self) -> None:
        app = CivicVol("memory://")
        try:
            app.recorder.insert_events([StoredEvent(uuid4(), 1, "vanished.module:Thing.Done",
                                                    b"{}")])
            (stored,) = app.all_events()
            with pytest.raises(UnknownEventTopic, match=r"'vanished\.module:Thing\.Done'"):
                app.mapper.to_domain_event(stored)
        finally:
            app.close()

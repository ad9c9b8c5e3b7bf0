"""The plug-in template works as its README says, and the conformance test case catches
plug-ins that break the contract (it is no rubber stamp)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from civicvol import CivicVol
from civicvol.app.report import event_topic
from civicvol.plugins import hookimpl
from civicvol.plugins.testkit import PluginConformance
from tests.plugins.test_plugin_hooks import Bundle, Bundles, BundleService

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "examples" / "plugin-template"
KNITTER_ROLE = "knitter"


@pytest.mark.slow
def test_the_templates_own_tests_pass() -> None:
    env = {**os.environ, "PYTHONPATH": str(TEMPLATE / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(TEMPLATE / "tests")],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False, timeout=300)
    assert result.returncode == 0, result.stdout[-3000:]
    assert " passed" in result.stdout and " failed" not in result.stdout


class BundleCount:
    name = "bundle_count"

    def __init__(self) -> None:
        self.bundles = 0

    def fold(self, notification: Any, decode: Callable[[], Any]) -> None:
        if notification.topic == event_topic(Bundle, "Packed"):
            self.bundles += 1

    def as_dict(self) -> dict[str, Any]:
        return {"bundles": self.bundles}


class GoodBundles(Bundles):
    @hookimpl
    def report_sections(self) -> object:
        return BundleCount()


def pack_two(app: CivicVol) -> None:
    from civicvol import Actor

    service = app.plugin("bundles", BundleService)
    service.pack(Actor(KNITTER_ROLE, "k-1"), 60, 40)
    service.pack(Actor(KNITTER_ROLE, "k-2"), 30, 30)


class TestBundlesConform(PluginConformance):
    """A plug-in that keeps the contract passes every conformance test."""

    plugin = GoodBundles()
    name = "bundles"

    def exercise(self, app: CivicVol) -> None:
        pack_two(app)


def conformance_failure(plugin: object, test: str, tmp_path: Path) -> str:
    """Run one conformance test against ``plugin``; return the failure it reports."""

    class Conformance(PluginConformance):
        name = "bundles"

        def exercise(self, app: CivicVol) -> None:
            pack_two(app)

    Conformance.plugin = plugin
    with pytest.raises(AssertionError) as failed:
        method = getattr(Conformance(), test)
        method(tmp_path) if "tmp_path" in method.__code__.co_varnames else method()
    return str(failed.value)


class TestTheConformanceTestCatches:
    def test_an_observer_that_fails(self, tmp_path: Path) -> None:
        class Failing(GoodBundles):
            @hookimpl
            def command_committed(self) -> None:
                raise RuntimeError("the printer is out of paper")

        failure = conformance_failure(Failing(), "test_its_observers_do_not_fail", tmp_path)
        assert "the printer is out of paper" in failure

    def test_a_decision_hook_that_stores(self, tmp_path: Path) -> None:
        class Storing(GoodBundles):
            @hookimpl
            def validate_command(self, app: CivicVol, command: str) -> None:
                if command == "bundle.pack":
                    app.create_team(__import__("civicvol").Actor("administrator", "a"),
                                    "织女队", "special")

        failure = conformance_failure(Storing(), "test_its_decision_hooks_store_nothing",
                                      tmp_path)
        assert "a decision hook stored events during bundle.pack" in failure

    def test_a_report_section_that_is_not_json(self, tmp_path: Path) -> None:
        class Sets(BundleCount):
            def as_dict(self) -> dict[str, Any]:
                return {"bundles": {self.bundles}}

        class NotJson(GoodBundles):
            @hookimpl
            def report_sections(self) -> object:
                return Sets()

        with pytest.raises(TypeError, match="not JSON serializable"):
            conformance_failure(NotJson(), "test_its_report_sections_are_json_and_computed_"
                                           "from_events", tmp_path)

    def test_a_report_section_that_ignores_the_events(self, tmp_path: Path) -> None:
        class Frozen(BundleCount):
            def fold(self, notification: Any, decode: Callable[[], Any]) -> None:
                return None

        class Ignoring(GoodBundles):
            @hookimpl
            def report_sections(self) -> object:
                return Frozen()

        failure = conformance_failure(
            Ignoring(), "test_its_report_sections_are_json_and_computed_from_events", tmp_path)
        assert "do not change with the plug-in's events" in failure

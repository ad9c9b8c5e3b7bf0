"""The test kit's conformance case catches the mistakes a plug-in author met (issue 13): each
is planted in a fixture plug-in (tests/plugins/planted/shifts.py), and the check that should
catch it fails on it, while the same plug-in done right passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import pytest

from civicvol import CivicVol
from civicvol.plugins.testkit import PluginConformance
from tests.plugins.planted import shifts


class Breakfast(PluginConformance):
    """The conformance case for one variant (not collected: it is run by hand below)."""

    name = "breakfast"
    plugin: ClassVar[object] = shifts.Shifts()

    def exercise(self, app: CivicVol) -> None:
        cook = app.register_volunteer(shifts.ADMIN, "张阿姨", "13800138000", "东庄社区")
        service: Any = app.plugin(self.name)
        service.log_shift(shifts.ADMIN, cook)


def case(plugin: object) -> Breakfast:
    checked = Breakfast()
    checked.plugin = plugin
    return checked


class TestTheKitCatchesPlantedMistakes:
    def test_the_plugin_done_right_passes_every_check(self, tmp_path: Path) -> None:
        right = case(shifts.Shifts())
        right.test_its_report_sections_are_json_and_computed_from_events(tmp_path)
        right.test_its_events_say_who_made_them()
        right.test_a_refused_command_of_it_stores_nothing()
        right.test_its_credits_name_the_record_that_earned_them()

    def test_a_report_section_computed_from_live_state(self, tmp_path: Path) -> None:
        with pytest.raises(AssertionError, match="reads live state"):
            case(shifts.LiveReportShifts()
                 ).test_its_report_sections_are_json_and_computed_from_events(tmp_path)

    def test_an_event_stored_without_by(self) -> None:
        with pytest.raises(AssertionError, match="without by=Actor"):
            case(shifts.UnsignedShifts()).test_its_events_say_who_made_them()

    def test_a_command_saved_as_two_transactions(self) -> None:
        with pytest.raises(AssertionError, match="in one transaction"):
            case(shifts.TwoTransactionShifts()).test_a_refused_command_of_it_stores_nothing()

    def test_a_credit_that_does_not_name_its_record(self) -> None:
        with pytest.raises(AssertionError, match=r"Source\.id must be the id of the record"):
            case(shifts.UntraceableShifts()).test_its_credits_name_the_record_that_earned_them()

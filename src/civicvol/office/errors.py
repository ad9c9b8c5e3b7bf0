"""The office's refusals: a spreadsheet that cannot be read, a roster with bad rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from civicvol.domain.errors import InvalidInput

if TYPE_CHECKING:
    from civicvol.office.outcome import ImportReport


class SheetError(InvalidInput):
    """A spreadsheet file that cannot be read as a table (missing, wrong format or encoding,
    no such sheet, required columns missing)."""


class RosterHasBadRows(InvalidInput):
    """Some rows break the rules; nothing was imported (the report lists each bad row)."""

    def __init__(self, message: str, report: ImportReport) -> None:
        super().__init__(message)
        self.report = report

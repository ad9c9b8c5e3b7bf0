"""The district office's paper and screen: spreadsheets (rosters and memberships in, records
out), the HTML report (:mod:`civicvol.office.report_html`), printed certificates
(:mod:`civicvol.office.certificate_pdf`).

``import_volunteers(app, actor, path, ...)`` and ``import_memberships(app, actor, path,
team=...)`` bring .xlsx or .csv files in, checked by the same rules as the commands;
``export(app, what, path, ...)`` writes volunteers, orders, points or hours from the views.
See docs/office.md.
"""

from __future__ import annotations

from civicvol.office.errors import RosterHasBadRows, SheetError
from civicvol.office.exports import KINDS, export
from civicvol.office.members import import_memberships
from civicvol.office.outcome import ImportReport, RowOutcome
from civicvol.office.roster import import_volunteers

__all__ = ["KINDS", "ImportReport", "RosterHasBadRows", "RowOutcome", "SheetError",
           "export", "import_memberships", "import_volunteers"]

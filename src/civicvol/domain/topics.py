"""The core aggregates by topic (names only: importing this imports no aggregate).

A view names the events it folds by topic (``View.on(TEAM, "Created", ...)``), so opening the
views imports no aggregate's module: a command loads only the aggregates whose events it
reads (eventsourcing resolves a stored event's topic on decoding). tests/test_startup.py
checks that every handled topic names an event class.
"""

MEMBERSHIP = "civicvol.domain.membership:Membership"
POINT_ACCOUNT = "civicvol.domain.point_account:PointAccount"
SERVICE_ORDER = "civicvol.domain.service_order:ServiceOrder"
STATION = "civicvol.domain.station:Station"
TEAM = "civicvol.domain.team:Team"
VOLUNTEER = "civicvol.domain.volunteer:Volunteer"

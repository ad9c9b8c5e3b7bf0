"""The safety patrol's command names and who may make them (light: the hook module imports
this to list the permissions without importing the patrol's records)."""

from __future__ import annotations

INSPECT = "safety-patrol.inspect"
REINSPECT = "safety-patrol.reinspect"
LECTURE = "safety-patrol.lecture"
DRILL = "safety-patrol.drill"
IMPORT = "safety-patrol.import"
INSPECTOR = "inspector"
MAX_DEADLINE_DAYS = 366  # the longest rectification deadline a hazard may be given

# An inspector is a volunteer of the patrol team acting in that capacity (--as inspector:<id>);
# an administrator imports the team's earlier paper records.
PERMISSIONS: dict[str, frozenset[str]] = {
    **{command: frozenset({INSPECTOR}) for command in (INSPECT, REINSPECT, LECTURE, DRILL)},
    IMPORT: frozenset({"administrator"}),
}

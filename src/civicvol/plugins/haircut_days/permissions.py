"""The haircut team's command names and who may make them (light: the hook module imports
this to list the permissions without importing the sessions' records)."""

from __future__ import annotations

SCHEDULE = "haircut.schedule"
HOLD = "haircut.hold"
RECORD_SERVED = "haircut.record_served"
CANCEL = "haircut.cancel"
REQUEST_HOME_VISIT = "haircut.request_home_visit"
SESSION_SOURCE = "haircut-session"

PERMISSIONS: dict[str, tuple[str, ...]] = {
    **dict.fromkeys((SCHEDULE, HOLD, CANCEL), ("administrator", "leader")),
    RECORD_SERVED: ("leader", "volunteer"),
    REQUEST_HOME_VISIT: ("resident",),
}
# The source kinds a command credits points for (bound to it: no other command may).
CREDITS: dict[str, tuple[str, ...]] = {HOLD: (SESSION_SOURCE,)}

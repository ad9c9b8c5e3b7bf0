"""The rider-clues command names and who may make them (light: the hook module imports this
to list the permissions without importing the clues' records)."""

from __future__ import annotations

REPORT = "rider-clues.report"
TRIAGE = "rider-clues.triage"
HANDLE = "rider-clues.handle"
FEEDBACK = "rider-clues.feedback"
CLUE_HANDLER = "clue-handler"
# Who may make each command: riders report for themselves, the community's clue handler
# takes the clue from there. Redemption is the core station keeper's ``points.redeem``.
PERMISSIONS: dict[str, frozenset[str]] = {
    REPORT: frozenset({"volunteer"}),
    TRIAGE: frozenset({CLUE_HANDLER}),
    HANDLE: frozenset({CLUE_HANDLER}),
    FEEDBACK: frozenset({CLUE_HANDLER}),
}
# The source kinds a command credits points for (bound to it: no other command may).
CREDITS: dict[str, tuple[str, ...]] = {TRIAGE: ("clue",)}

"""The pluggy markers of project ``civicvol``: ``@hookspec`` declares, ``@hookimpl`` implements."""

from __future__ import annotations

import pluggy

PROJECT = "civicvol"
ENTRY_POINT_GROUP = "civicvol"

hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)

"""civicvol: a district's volunteer service kept as an event-sourced history.

>>> from civicvol import Actor, open_district
>>> app = open_district("memory://")   # the application with its installed plug-ins

The names below are imported on first use, so ``import civicvol`` stays cheap.
"""

from typing import TYPE_CHECKING

from civicvol.lazy import lazy_exports

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol
    from civicvol.bootstrap import open_district
    from civicvol.domain.errors import CivicVolError
    from civicvol.domain.points_scheme import PointsScheme
    from civicvol.domain.values import Actor, Role, Source, TeamKind

__version__ = "0.1.0"
__all__ = ["Actor", "CivicVol", "CivicVolError", "PointsScheme", "Role", "Source", "TeamKind",
           "__version__", "open_district"]
__getattr__ = lazy_exports(__name__, {
    "CivicVol": "civicvol.app.application",
    "open_district": "civicvol.bootstrap",
    "CivicVolError": "civicvol.domain.errors",
    "PointsScheme": "civicvol.domain.points_scheme",
    **dict.fromkeys(("Actor", "Role", "Source", "TeamKind"), "civicvol.domain.values"),
})

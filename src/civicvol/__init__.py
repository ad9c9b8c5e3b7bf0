"""civicvol: a district's volunteer service kept as an event-sourced history.

>>> from civicvol import CivicVol, Actor
>>> app = CivicVol("memory://")
"""

from civicvol.app.application import CivicVol
from civicvol.domain.errors import CivicVolError
from civicvol.domain.points_scheme import PointsScheme
from civicvol.domain.values import Actor, Role, Source, TeamKind

__version__ = "0.1.0"
__all__ = ["Actor", "CivicVol", "CivicVolError", "PointsScheme", "Role", "Source", "TeamKind",
           "__version__"]

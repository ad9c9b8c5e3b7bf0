"""civicvol: a district's volunteer service kept as an event-sourced history.

>>> from civicvol import Actor, open_district
>>> app = open_district("memory://")   # the application with its installed plug-ins
"""

from civicvol.app.application import CivicVol
from civicvol.bootstrap import open_district
from civicvol.domain.errors import CivicVolError
from civicvol.domain.points_scheme import PointsScheme
from civicvol.domain.values import Actor, Role, Source, TeamKind

__version__ = "0.1.0"
__all__ = ["Actor", "CivicVol", "CivicVolError", "PointsScheme", "Role", "Source", "TeamKind",
           "__version__", "open_district"]

"""The application layer: commands, queries, authorization and the report.

The names below are imported on first use (:mod:`civicvol.lazy`), so importing a small module
of this package (``civicvol.app.authorization``) does not import the whole application.
"""

from typing import TYPE_CHECKING

from civicvol.lazy import lazy_exports

if TYPE_CHECKING:
    from civicvol.app.application import CivicVol
    from civicvol.app.extensions import Extensions

__all__ = ["CivicVol", "Extensions"]
__getattr__ = lazy_exports(__name__, {"CivicVol": "civicvol.app.application",
                                      "Extensions": "civicvol.app.extensions"})

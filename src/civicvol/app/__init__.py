"""The application layer: commands, queries, authorization and the report."""

from civicvol.app.application import CivicVol
from civicvol.app.extensions import Extensions

__all__ = ["CivicVol", "Extensions"]

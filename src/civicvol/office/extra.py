"""The office's libraries (spreadsheets, charts, PDF, QR codes) come with the ``office`` extra;
they are imported only by the commands that use them, through :func:`office_module`, so a
missing one is a plain refusal naming the extra, never a traceback."""

from __future__ import annotations

import importlib
from types import ModuleType

from civicvol.domain.errors import MissingExtra
from civicvol.i18n import _


def office_module(name: str) -> ModuleType:
    """The module ``name`` of the office extra, or :class:`MissingExtra` saying what to
    install."""
    try:
        return importlib.import_module(name)
    except ImportError as missing:
        raise MissingExtra(_("this needs the office extra ({module} is missing); install it "
                             "with: pip install 'civicvol[office]'").format(
                                 module=missing.name or name)) from None

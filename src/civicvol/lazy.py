"""Lazy exports: a package names what it offers without importing it until it is used.

``import civicvol`` (and ``civicvol.domain``, ``civicvol.app``, ``civicvol.plugins``) must stay
cheap, because every ``civicvol`` command imports them before it knows what it will do
(docs/performance.md, "Start-up"). A package lists its exports in a table and sets
``__getattr__ = lazy_exports(__name__, table)`` (PEP 562); the names are imported on first use.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(package: str, exports: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` that imports ``exports[name]`` (a module) and returns its
    attribute ``name``."""
    def __getattr__(name: str) -> Any:
        try:
            module = exports[name]
        except KeyError:
            raise AttributeError(f"module {package!r} has no attribute {name!r}") from None
        return getattr(importlib.import_module(module), name)
    return __getattr__

"""Helpers for tests that drive the command line against the test's store."""

from __future__ import annotations

import pytest

from civicvol import CivicVol


def store_for_cli(app: CivicVol) -> str:
    """The store URL a CLI run can open; skips for memory://, which is private to ``app``."""
    if app.store_url.startswith("memory"):
        pytest.skip("a memory:// store is private to its application; the CLI opens its own")
    return app.store_url

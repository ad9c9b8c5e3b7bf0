"""Helpers for tests that drive the command line against the test's store."""

from __future__ import annotations

import pytest

from civicvol import CivicVol

# A memory:// store is private to its application, so a test that opens the same store from
# the CLI or a second application runs on SQLite and PostgreSQL only: conftest.py deselects
# its memory:// case.
shared_store = pytest.mark.shared_store


def store_for_cli(app: CivicVol) -> str:
    """The store URL another application (the CLI, a second process) can open."""
    assert not app.store_url.startswith("memory"), "mark the test @shared_store"
    return app.store_url

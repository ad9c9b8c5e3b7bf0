"""Districts with one plug-in, for tests that cannot take the test kit's function-scoped
``plugin_district`` fixture (module fixtures, hypothesis examples)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from civicvol import CivicVol
from civicvol.app import authorization
from civicvol.demo import District, build_panlong
from civicvol.plugins.testkit import open_test_district


@contextmanager
def district_with(plugin: object, name: str) -> Iterator[CivicVol]:
    """A memory district with the plug-in; its grants are forgotten afterwards."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(authorization, "PERMISSIONS", dict(authorization.PERMISSIONS))
        app = open_test_district(plugin, name)
        try:
            yield app
        finally:
            app.close()


@contextmanager
def full_demo_part(plugin: object, name: str,
                   build: Callable[[Any, District, Callable[[str, int, int], None]], None]
                   ) -> Iterator[CivicVol]:
    """The core district at 1% (fast), then ``build(service, district, progress)`` at the
    article's full figures."""
    with district_with(plugin, name) as app, pytest.MonkeyPatch.context() as patch:
        patch.setattr(app.extensions, "build_demo", lambda *args: None)
        district = build_panlong(app, scale=0.01)
        district.scale = 1.0
        build(app.plugin(name), district, lambda stage, done, total: None)
        yield app

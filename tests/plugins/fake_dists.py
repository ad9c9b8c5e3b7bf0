"""Installed distributions made on the spot: a dist-info folder with an entry_points.txt, and
the plug-in's module beside it, in a folder put on sys.path. importlib.metadata finds them
exactly as it finds a pip-installed plug-in."""

from __future__ import annotations

import sys
import textwrap
import uuid
from pathlib import Path

import pytest


class FakeSite:
    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.root = root
        self.monkeypatch = monkeypatch
        monkeypatch.syspath_prepend(str(root))

    def module(self, source: str, name: str = "") -> str:
        """Write a module (its name made unique unless given); return its name."""
        name = name or f"fake_plugin_{uuid.uuid4().hex[:10]}"
        (self.root / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
        self.monkeypatch.delitem(sys.modules, name, raising=False)
        return name

    def dist(self, project: str, version: str, entry_points: dict[str, str]) -> None:
        info = self.root / f"{project.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(
            f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n", encoding="utf-8")
        lines = "".join(f"{name} = {target}\n" for name, target in entry_points.items())
        (info / "entry_points.txt").write_text(f"[civicvol]\n{lines}", encoding="utf-8")


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeSite:
    folder = tmp_path / "site"
    folder.mkdir()
    return FakeSite(folder, monkeypatch)


GOOD_PLUGIN = """
    from civicvol.plugins import hookimpl

    __version__ = "1.2.0"

    @hookimpl
    def register_settings():
        return {}
"""

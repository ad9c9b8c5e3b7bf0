"""The command line as a user runs it (the installed ``civicvol`` script): ``civicvol plugins``
lists what was found and what became of it, and an installed plug-in's group is mounted."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import civicvol as civicvol_package
from civicvol import Actor
from civicvol.plugins.testkit import open_test_district
from tests.plugins.fake_dists import GOOD_PLUGIN, FakeSite
from tests.plugins.fake_dists import site as site  # the fixture
from tests.world import build_world

CIVICVOL = str(Path(sys.executable).with_name("civicvol"))
TEMPLATE_SRC = Path(__file__).resolve().parents[2] / "examples" / "plugin-template" / "src"
CIVICVOL_SRC = Path(civicvol_package.__file__).resolve().parents[1]
BUILTINS = {"haircut-days", "knitting-drives", "rider-clues", "safety-patrol"}


def civicvol(*args: str, pythonpath: list[Path], allow: str | None = None,
             cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("CIVICVOL_PLUGINS", "CIVICVOL_STORE", "CIVICVOL_CONFIG")}
    # The same civicvol as this test process, then the given folders.
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in [CIVICVOL_SRC, *pythonpath])
    if allow is not None:
        env["CIVICVOL_PLUGINS"] = allow
    return subprocess.run([CIVICVOL, *args], capture_output=True, text=True, env=env,
                          cwd=cwd, check=False, timeout=120)


def by_name(listing: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in listing}


class TestPluginsCommand:
    def test_plugins_json_tells_each_plugins_fate(self, site: FakeSite, tmp_path: Path
                                                  ) -> None:
        site.dist("civicvol-good", "1.0.0", {"good": site.module(GOOD_PLUGIN)})
        site.dist("civicvol-broken", "0.1.0",
                  {"broken": site.module("raise ImportError('no module named lunar')\n")})
        site.dist("civicvol-future", "3.0.0", {"future": site.module(
            GOOD_PLUGIN + '\n    civicvol_requires = ">=1.0"\n')})
        result = civicvol("plugins", "--json", pythonpath=[site.root], cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        plugins = by_name(json.loads(result.stdout))
        good = plugins["good"]
        assert (good["version"], good["kind"], good["status"], good["hooks"]) == (
            "1.0.0", "external", "loaded", ["register_settings"])
        assert plugins["broken"]["status"] == "failed"
        assert "ImportError: no module named lunar" in plugins["broken"]["reason"]
        assert plugins["future"]["status"] == "incompatible"
        assert plugins["future"]["requires"] == ">=1.0"
        for name in BUILTINS:
            assert (plugins[name]["kind"], plugins[name]["status"]) == ("built-in", "loaded")
            assert "register_service" in plugins[name]["hooks"]

    def test_plugins_shows_those_left_out_by_civicvol_plugins(self, tmp_path: Path) -> None:
        result = civicvol("plugins", "--json", pythonpath=[], allow="haircut-days",
                          cwd=tmp_path)
        plugins = by_name(json.loads(result.stdout))
        assert plugins["haircut-days"]["status"] == "loaded"
        assert {plugins[n]["status"] for n in BUILTINS - {"haircut-days"}} == {"disabled"}

    def test_plugins_prints_a_table(self, tmp_path: Path) -> None:
        result = civicvol("plugins", pythonpath=[], cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "haircut-days" in result.stdout and "built-in" in result.stdout


class TestAnInstalledPlugin:
    @pytest.fixture
    def installed(self, site: FakeSite) -> list[Path]:
        """The template plug-in, installed as a distribution of its own."""
        site.dist("civicvol-thanks", "0.1.0", {"thank-you-cards": "civicvol_thanks.plugin"})
        return [site.root, TEMPLATE_SRC]

    def test_its_group_works_from_the_command_line_and_its_section_is_reported(
        self, installed: list[Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.syspath_prepend(str(TEMPLATE_SRC))
        from civicvol_thanks import plugin

        store = f"sqlite:///{tmp_path / 'district.db'}"
        app = open_test_district(plugin, "thank-you-cards", store=store)
        try:
            world = build_world(app)
            order = world.completed_order()
        finally:
            app.close()
        sent = civicvol("--store", store, "--as", "resident:r-1001", "thank-you-cards", "send",
                        str(order), "--message", "谢谢李师傅", pythonpath=installed,
                        cwd=tmp_path)
        assert sent.returncode == 0, sent.stderr
        assert "thank-you card created" in sent.stderr
        report = civicvol("--store", store, "report", "--json", pythonpath=installed,
                          cwd=tmp_path)
        assert json.loads(report.stdout)["thank_you_cards"] == {"cards": 1,
                                                                "volunteers_thanked": 1}
        again = civicvol("--store", store, "--as", str(Actor("resident", "r-1001")),
                         "thank-you-cards", "send", str(order), "--message", "再谢",
                         pythonpath=installed, cwd=tmp_path)
        assert again.returncode == 5
        assert again.stderr.startswith("error: a card for order")

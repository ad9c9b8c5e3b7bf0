"""Plug-in settings: defaults, civicvol.toml beside the store or named by --config, and a clear
error naming the plug-in and the key for anything wrong."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from civicvol import open_district
from civicvol.plugins import PluginSettingError, Setting, hookimpl
from civicvol.plugins.errors import ConfigFileError
from civicvol.plugins.testkit import host_with


def _at_most_a_hundred(hats: int) -> None:
    if hats > 100:
        raise ValueError("a drive delivers at most 100 hats")


class Knitters:
    @hookimpl
    def register_settings(self) -> Mapping[str, Setting]:
        return {
            "hats_per_drive": Setting(25, help="hats knitted per drive",
                                      check=_at_most_a_hundred),
            "nursing_home": Setting("鹤湾敬老院", help="where the hats go"),
            "hours_per_hat": Setting(1.5),
            "deliver_by_hand": Setting(True),
        }

    @hookimpl
    def register_service(self, settings: Mapping[str, Any]) -> object:
        return dict(settings)


def open_knitters(store: str, config: str | Path | None = None) -> dict[str, Any]:
    app = open_district(store, plugins=host_with({"knitting": Knitters()}), config=config)
    try:
        return dict(app.plugin("knitting"))
    finally:
        app.close()


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture(autouse=True)
def no_config_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CIVICVOL_CONFIG", raising=False)


class TestWhereSettingsComeFrom:
    def test_without_a_config_file_the_defaults_apply(self, tmp_path: Path) -> None:
        assert open_knitters(f"sqlite:///{tmp_path / 'd.db'}") == {
            "hats_per_drive": 25, "nursing_home": "鹤湾敬老院", "hours_per_hat": 1.5,
            "deliver_by_hand": True}

    def test_civicvol_toml_beside_the_store_file_is_read(self, tmp_path: Path) -> None:
        write(tmp_path / "civicvol.toml",
              '[plugins.knitting]\nhats_per_drive = 40\nnursing_home = "鸿福敬老院"\n'
              "hours_per_hat = 2\n")
        settings = open_knitters(f"sqlite:///{tmp_path / 'd.db'}")
        assert (settings["hats_per_drive"], settings["nursing_home"]) == (40, "鸿福敬老院")
        assert settings["hours_per_hat"] == 2.0  # an int is taken for a float

    def test_a_config_path_given_wins_and_env_names_one_too(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        write(tmp_path / "civicvol.toml", "[plugins.knitting]\nhats_per_drive = 40\n")
        given = write(tmp_path / "other.toml", "[plugins.knitting]\nhats_per_drive = 60\n")
        store = f"sqlite:///{tmp_path / 'd.db'}"
        assert open_knitters(store, config=given)["hats_per_drive"] == 60
        monkeypatch.setenv("CIVICVOL_CONFIG", str(given))
        assert open_knitters("memory://")["hats_per_drive"] == 60

    def test_tables_of_plugins_not_loaded_are_left_alone(self, tmp_path: Path) -> None:
        config = write(tmp_path / "c.toml", "[plugins.newsletter]\nissues = 39\n")
        assert open_knitters("memory://", config=config)["hats_per_drive"] == 25


class TestBadSettings:
    @pytest.mark.parametrize(("line", "message"), [
        ("hats_per_hour = 3", "plug-in 'knitting' has no setting 'hats_per_hour'"),
        ('hats_per_drive = "many"', "setting 'hats_per_drive' of plug-in 'knitting' must be "
                                    "a whole number"),
        ("deliver_by_hand = 1", "setting 'deliver_by_hand' of plug-in 'knitting' must be "
                                "true or false"),
        ("hats_per_drive = true", "setting 'hats_per_drive' of plug-in 'knitting' must be "
                                  "a whole number"),
        ("nursing_home = 3", "setting 'nursing_home' of plug-in 'knitting' must be text"),
        ("hats_per_drive = 500", "setting 'hats_per_drive' of plug-in 'knitting' cannot be "
                                 "500: a drive delivers at most 100 hats"),
    ])
    def test_a_bad_setting_names_the_plugin_and_the_key(self, tmp_path: Path, line: str,
                                                        message: str) -> None:
        config = write(tmp_path / "c.toml", f"[plugins.knitting]\n{line}\n")
        with pytest.raises(PluginSettingError, match=message) as error:
            open_knitters("memory://", config=config)
        assert error.value.plugin == "knitting"
        assert error.value.key == line.split(" = ")[0]

    def test_a_file_that_is_not_toml_is_a_clear_error(self, tmp_path: Path) -> None:
        config = write(tmp_path / "c.toml", "[plugins.knitting\n")
        with pytest.raises(ConfigFileError, match="cannot be read"):
            open_knitters("memory://", config=config)

    def test_a_missing_file_given_is_a_clear_error(self, tmp_path: Path) -> None:
        with pytest.raises(ConfigFileError, match="does not exist"):
            open_knitters("memory://", config=tmp_path / "nowhere.toml")

    def test_plugins_must_be_tables(self, tmp_path: Path) -> None:
        config = write(tmp_path / "c.toml", 'plugins = "all"\n')
        with pytest.raises(ConfigFileError, match=r"one table per plug-in"):
            open_knitters("memory://", config=config)

    def test_the_cli_refuses_a_bad_setting_in_one_line(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from civicvol.cli import cli
        from civicvol.cli import plugins as cli_plugins

        monkeypatch.setattr(cli_plugins, "_hosts", [host_with({"knitting": Knitters()})])
        config = write(tmp_path / "c.toml", "[plugins.knitting]\nhats_per_drive = 500\n")
        result = CliRunner().invoke(cli, ["--store", f"sqlite:///{tmp_path / 'd.db'}",
                                          "--config", str(config), "report"])
        assert result.exit_code == PluginSettingError.exit_code
        assert result.stderr == ("error: setting 'hats_per_drive' of plug-in 'knitting' "
                                 "cannot be 500: a drive delivers at most 100 hats; fix it "
                                 "in civicvol.toml\n")

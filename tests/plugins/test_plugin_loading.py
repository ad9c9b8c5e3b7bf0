"""Finding plug-ins through the entry-point group ``civicvol``: a broken, doubled, malformed
or incompatible plug-in is reported with its reason, and civicvol and the others work on."""

from __future__ import annotations

import pytest

from civicvol import open_district
from civicvol.plugins import PluginHost, PluginNotLoaded, hookimpl, load_plugins
from civicvol.plugins.manager import DISABLED, FAILED, INCOMPATIBLE, LOADED
from tests.conftest import ADMIN
from tests.plugins.fake_dists import GOOD_PLUGIN, FakeSite
from tests.plugins.fake_dists import site as site  # the fixture

BROKEN_AT_IMPORT = """
    raise RuntimeError("the calendar data is missing")
"""
VETO_EVERYTHING_BUT_BROKEN_SETTINGS = """
    from civicvol.plugins import hookimpl

    @hookimpl
    def register_settings():
        raise KeyError("points_per_hat")

    @hookimpl
    def validate_command():
        return "refuse everything"
"""


@pytest.fixture(autouse=True)
def every_plugin_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CIVICVOL_PLUGINS", raising=False)


class TestDiscovery:
    def test_builtin_and_external_plugins_load_alike(self, site: FakeSite) -> None:
        site.dist("civicvol-good", "1.0.0", {"good": f"{site.module(GOOD_PLUGIN)}"})
        host = load_plugins()
        good = host.records["good"]
        assert (good.status, good.version, good.builtin) == (LOADED, "1.0.0", False)
        assert good.hooks == ["register_settings"]
        haircuts = host.records["haircut-days"]
        assert (haircuts.status, haircuts.builtin) == (LOADED, True)

    def test_a_plugin_failing_at_import_is_reported_and_the_rest_work(self,
                                                                     site: FakeSite) -> None:
        site.dist("civicvol-broken", "0.1.0", {"broken": site.module(BROKEN_AT_IMPORT)})
        site.dist("civicvol-good", "1.0.0", {"good": site.module(GOOD_PLUGIN)})
        host = load_plugins()
        broken = host.records["broken"]
        assert broken.status == FAILED
        assert "RuntimeError: the calendar data is missing" in broken.reason
        assert host.records["good"].status == LOADED
        app = open_district("memory://", plugins=host)
        try:
            assert app.team(app.create_team(ADMIN, "老街坊", "special")).name == "老街坊"
            with pytest.raises(PluginNotLoaded, match=r"'broken'.*failed.*calendar data"):
                app.plugin("broken")
        finally:
            app.close()

    def test_an_entry_point_naming_nothing_is_reported(self, site: FakeSite) -> None:
        site.dist("civicvol-typo", "0.1.0", {"typo": f"{site.module(GOOD_PLUGIN)}:plugni"})
        record = load_plugins().records["typo"]
        assert record.status == FAILED and "AttributeError" in record.reason

    def test_a_plugin_name_registered_twice_is_reported_once_loaded_once(
        self, site: FakeSite
    ) -> None:
        site.dist("civicvol-twin-a", "1.0.0", {"twin": site.module(GOOD_PLUGIN)})
        site.dist("civicvol-twin-b", "2.0.0", {"twin": site.module(GOOD_PLUGIN)})
        host = load_plugins()
        twins = [r for r in host.records.values() if r.name.startswith("twin")]
        assert sorted(r.status for r in twins) == [FAILED, LOADED]
        (failed,) = [r for r in twins if r.status == FAILED]
        assert "registered twice" in failed.reason and "'twin'" in failed.reason

    def test_the_same_plugin_object_under_two_names_is_reported(self) -> None:
        class Once:
            @hookimpl
            def validate_command(self) -> None:
                return None

        host = PluginHost()
        plugin = Once()
        assert host.register(plugin, "once").status == LOADED
        again = host.register(plugin, "twice")
        assert again.status == FAILED and "registered twice" in again.reason
        assert host.register(Once(), "once").status == FAILED


class TestMalformedPlugins:
    def test_a_hook_with_a_wrong_signature_is_reported_not_fatal(self) -> None:
        class Wrong:
            @hookimpl
            def validate_command(self, command: str, verdict: str) -> None:
                return None

        record = PluginHost().register(Wrong(), "wrong")
        assert record.status == FAILED
        assert "verdict" in record.reason and "validate_command" in record.reason

    def test_a_misspelt_hook_is_reported(self) -> None:
        class Misspelt:
            @hookimpl
            def validate_commands(self) -> None:
                return None

        record = PluginHost().register(Misspelt(), "misspelt")
        assert record.status == FAILED
        assert "'validate_commands' is not a civicvol hook" in record.reason

    def test_a_hook_wrapper_is_reported(self) -> None:
        class Wrapper:
            @hookimpl(wrapper=True)
            def validate_command(self) -> object:
                return (yield)

        record = PluginHost().register(Wrapper(), "wrapper")
        assert record.status == FAILED and "wrappers are not supported" in record.reason

    def test_a_plugin_failing_to_register_is_unloaded(self, site: FakeSite) -> None:
        site.dist("civicvol-half", "0.1.0",
                  {"half": site.module(VETO_EVERYTHING_BUT_BROKEN_SETTINGS)})
        host = load_plugins()
        half = host.records["half"]
        assert half.status == FAILED and "KeyError" in half.reason
        app = open_district("memory://", plugins=host)
        try:
            app.create_team(ADMIN, "老街坊", "special")  # its veto is not in force
            assert app.event_count() == 1
        finally:
            app.close()


class TestAllowList:
    def test_civicvol_plugins_names_the_ones_to_load(self, site: FakeSite,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
        site.dist("civicvol-broken", "0.1.0", {"broken": site.module(BROKEN_AT_IMPORT)})
        site.dist("civicvol-good", "1.0.0", {"good": site.module(GOOD_PLUGIN)})
        monkeypatch.setenv("CIVICVOL_PLUGINS", "good, haircut-days")
        host = load_plugins()
        assert {r.name for r in host.loaded()} == {"good", "haircut-days"}
        assert host.records["broken"].status == DISABLED  # not even imported
        assert host.records["rider-clues"].status == DISABLED
        assert "CIVICVOL_PLUGINS" in host.records["rider-clues"].reason

    def test_an_empty_civicvol_plugins_loads_none(self, monkeypatch: pytest.MonkeyPatch
                                                  ) -> None:
        monkeypatch.setenv("CIVICVOL_PLUGINS", "")
        host = load_plugins()
        assert host.loaded() == []
        assert host.records["haircut-days"].status == DISABLED
        app = open_district("memory://", plugins=host)
        try:
            with pytest.raises(PluginNotLoaded, match=r"'haircut-days'.*disabled"):
                app.plugin("haircut-days")
        finally:
            app.close()


class TestCompatibility:
    def test_a_plugin_for_another_civicvol_is_not_loaded(self, site: FakeSite) -> None:
        future = site.module(GOOD_PLUGIN + '\n    civicvol_requires = ">=0.2,<0.3"\n')
        site.dist("civicvol-future", "3.0.0", {"future": future})
        host = load_plugins()
        record = host.records["future"]
        assert record.status == INCOMPATIBLE
        assert "needs civicvol >=0.2,<0.3, this is 0.1.0" in record.reason
        assert not host.pm.has_plugin("future")

    def test_a_plugin_for_this_civicvol_loads(self, site: FakeSite) -> None:
        ours = site.module(GOOD_PLUGIN + '\n    civicvol_requires = ">=0.1,<0.2"\n')
        site.dist("civicvol-ours", "1.0.0", {"ours": ours})
        record = load_plugins().records["ours"]
        assert (record.status, record.requires) == (LOADED, ">=0.1,<0.2")

    def test_a_malformed_requirement_is_reported(self, site: FakeSite) -> None:
        odd = site.module(GOOD_PLUGIN + '\n    civicvol_requires = "version one or later"\n')
        site.dist("civicvol-odd", "1.0.0", {"odd": odd})
        record = load_plugins().records["odd"]
        assert record.status == FAILED and "not a version specifier" in record.reason

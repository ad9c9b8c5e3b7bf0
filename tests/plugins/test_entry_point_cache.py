"""The entry-point cache (issue 14): plug-in discovery answers as importlib.metadata does,
from a JSON file while the installed packages are unchanged, and from the metadata again as
soon as anything it would look at changes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicvol import __version__
from civicvol.plugins import discovery, entry_point_cache
from civicvol.plugins.discovery import InstalledPlugin, installed_plugins, read_metadata
from civicvol.plugins.entry_point_cache import CACHE_ENV, CACHE_FILE
from civicvol.plugins.manager import LOADED, PluginHost, load_target
from civicvol.plugins.markers import PROJECT
from tests.plugins.fake_dists import GOOD_PLUGIN, FakeSite
from tests.plugins.fake_dists import site as site  # the fixture


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A fresh cache folder and an empty in-process memo; yields the cache file."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(CACHE_ENV, str(folder))
    entry_point_cache.forget()
    yield folder / CACHE_FILE
    entry_point_cache.forget()


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the reads of importlib.metadata."""
    count: list[int] = []

    def counting() -> list[entry_point_cache.Row]:
        count.append(1)
        return read_metadata()
    monkeypatch.setattr(discovery, "read_metadata", counting)
    return count


def from_metadata() -> list[InstalledPlugin]:
    return [InstalledPlugin(*row) for row in read_metadata()]


def fresh_process_view() -> list[InstalledPlugin]:
    """What a new process would find: no memo, only the file."""
    entry_point_cache.forget()
    return installed_plugins()


class TestAHit:
    def test_the_cached_list_is_the_metadatas(self, cache: Path, site: FakeSite,
                                               reads: list[int]) -> None:
        site.dist("civicvol-good", "1.0.0", {"good": site.module(GOOD_PLUGIN)})
        first = installed_plugins()
        assert cache.is_file() and len(reads) == 1
        assert fresh_process_view() == first == from_metadata()
        assert len(reads) == 1  # the second answer came from the file
        assert "good" in {p.name for p in first}
        assert any(p.distribution == PROJECT for p in first)

    def test_the_memo_answers_without_the_file(self, cache: Path, reads: list[int]) -> None:
        first = installed_plugins()
        cache.unlink()
        assert installed_plugins() == first and len(reads) == 1


class TestInvalidation:
    def test_a_new_dist_info(self, cache: Path, site: FakeSite, reads: list[int]) -> None:
        installed_plugins()
        site.dist("civicvol-late", "1.0.0", {"late": site.module(GOOD_PLUGIN)})
        assert "late" in {p.name for p in fresh_process_view()}
        assert len(reads) == 2

    def test_an_edited_entry_points_txt(self, cache: Path, site: FakeSite,
                                        reads: list[int]) -> None:
        site.dist("civicvol-good", "1.0.0", {"good": site.module(GOOD_PLUGIN)})
        installed_plugins()
        txt = site.root / "civicvol_good-1.0.0.dist-info" / "entry_points.txt"
        txt.write_text("[civicvol]\nrenamed = " + txt.read_text().split(" = ")[1],
                       encoding="utf-8")
        names = {p.name for p in fresh_process_view()}
        assert "renamed" in names and "good" not in names

    def test_a_removed_dist(self, cache: Path, site: FakeSite, reads: list[int]) -> None:
        site.dist("civicvol-good", "1.0.0", {"good": site.module(GOOD_PLUGIN)})
        assert "good" in {p.name for p in installed_plugins()}
        shutil.rmtree(site.root / "civicvol_good-1.0.0.dist-info")
        assert "good" not in {p.name for p in fresh_process_view()}

    def test_a_changed_sys_path(self, cache: Path, tmp_path: Path,
                                monkeypatch: pytest.MonkeyPatch) -> None:
        other = tmp_path / "other"
        other.mkdir()
        lone = FakeSite(other, monkeypatch)  # prepends it to sys.path
        lone.dist("civicvol-elsewhere", "1.0.0", {"elsewhere": lone.module(GOOD_PLUGIN)})
        assert "elsewhere" in {p.name for p in installed_plugins()}
        monkeypatch.setattr(sys, "path", [p for p in sys.path if p != str(other)])
        assert "elsewhere" not in {p.name for p in fresh_process_view()}

    def test_the_order_of_sys_path_is_in_the_key(self) -> None:
        assert entry_point_cache.cache_key(["a", "b"]) != entry_point_cache.cache_key(["b", "a"])

    def test_an_info_folder_without_entry_points_counts_too(self, tmp_path: Path) -> None:
        info = tmp_path / "x-1.0.dist-info"
        info.mkdir()
        before = entry_point_cache.cache_key([str(tmp_path)])
        os.utime(tmp_path, ns=(0, 0))  # the folder's own mtime must not be what changes
        stamp_free = entry_point_cache.cache_key([str(tmp_path)])
        (info / "entry_points.txt").write_text("[civicvol]\n", encoding="utf-8")
        os.utime(tmp_path, ns=(0, 0))
        assert entry_point_cache.cache_key([str(tmp_path)]) not in (before, stamp_free)


    def test_an_unrelated_file_beside_the_dists_keeps_the_cache(self, tmp_path: Path) -> None:
        (tmp_path / "x-1.0.dist-info").mkdir()
        before = entry_point_cache.cache_key([str(tmp_path), ""])
        (tmp_path / "notes.txt").write_text("a script's output", encoding="utf-8")
        os.utime(tmp_path, ns=(1, 1))
        assert entry_point_cache.cache_key([str(tmp_path), ""]) == before

    def test_an_upgraded_version_in_place(self, tmp_path: Path) -> None:
        info = tmp_path / "x.egg-info"
        info.mkdir()
        (info / "PKG-INFO").write_text("Name: x\nVersion: 1.0\n", encoding="utf-8")
        before = entry_point_cache.cache_key([str(tmp_path)])
        (info / "PKG-INFO").write_text("Name: x\nVersion: 1.10\n", encoding="utf-8")
        assert entry_point_cache.cache_key([str(tmp_path)]) != before


class TestABadCacheIsIgnored:
    def test_a_corrupt_file_falls_back_to_the_metadata(self, cache: Path,
                                                       reads: list[int]) -> None:
        cache.parent.mkdir(parents=True)
        for junk in ("{not json", '{"key": 1}', "[1, 2]",
                     json.dumps({"key": entry_point_cache.cache_key(),
                                 "entry_points": [["only", "three", "fields"]]})):
            cache.write_text(junk, encoding="utf-8")
            assert fresh_process_view() == from_metadata()
        assert len(reads) == 4

    def test_an_unwritable_folder_falls_back(self, tmp_path: Path, reads: list[int],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
        blocker = tmp_path / "a-file"
        blocker.write_text("", encoding="utf-8")  # a file where the folder should be
        monkeypatch.setenv(CACHE_ENV, str(blocker / "cache"))
        assert fresh_process_view() == from_metadata()
        assert fresh_process_view() == from_metadata() and len(reads) == 2
        assert not list(tmp_path.glob("**/*.tmp"))

    def test_an_empty_variable_disables_the_cache(self, tmp_path: Path, reads: list[int],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv(CACHE_ENV, "")
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        monkeypatch.setenv("HOME", str(tmp_path))
        assert entry_point_cache.cache_dir() is None
        assert fresh_process_view() == from_metadata()
        assert fresh_process_view() == from_metadata() and len(reads) == 2
        assert list(tmp_path.iterdir()) == []

    def test_the_default_folders(self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.delenv(CACHE_ENV)
        monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
        assert entry_point_cache.cache_dir() == tmp_path / "civicvol"
        monkeypatch.delenv("XDG_CACHE_HOME")
        monkeypatch.setenv("HOME", str(tmp_path))
        assert entry_point_cache.cache_dir() == tmp_path / ".cache" / "civicvol"


class TestLoadingWithoutMetadata:
    def test_a_value_is_walked_as_entry_point_load_does(self) -> None:
        assert load_target("os.path:join") is os.path.join
        assert load_target("os:path.join") is os.path.join
        assert load_target("os") is os
        assert load_target("os.path : join [extra]") is os.path.join

    def test_an_attribute_missing_is_a_failed_import(self, cache: Path,
                                                     site: FakeSite) -> None:
        value = f"{site.module(GOOD_PLUGIN)}:nothing_here"
        site.dist("civicvol-missing", "1.0.0", {"missing": value})
        host = PluginHost()
        host.load_entry_points()
        record = host.records["missing"]
        assert record.reason.startswith(f"cannot import {value}: AttributeError")

    def test_a_builtin_is_not_checked_against_packaging(self) -> None:
        import types
        plugin = types.ModuleType("built_in_of_another_version")
        plugin.civicvol_requires = ">=99"  # type: ignore[attr-defined]
        assert PluginHost().register(plugin, "old", builtin=True).status == LOADED

    def test_the_builtins_declarations_match_this_civicvol(self) -> None:
        from packaging.specifiers import SpecifierSet
        from packaging.version import Version

        builtins = [p for p in from_metadata() if p.distribution == PROJECT]
        declared = {p.name: str(getattr(load_target(p.module), "civicvol_requires", ""))
                    for p in builtins}
        assert [name for name, spec in declared.items() if spec] != []
        assert {name: spec for name, spec in declared.items()
                if spec and not SpecifierSet(spec).contains(Version(__version__),
                                                            prereleases=True)} == {}


def test_a_warm_cache_starts_without_importlib_metadata(tmp_path: Path) -> None:
    program = ("import json, sys\n"
               "sys.argv = ['civicvol', 'plugins', '--json']\n"
               "from civicvol.cli import main\n"
               "try:\n    main()\nexcept SystemExit:\n    pass\n"
               "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n")
    env = {**os.environ, CACHE_ENV: str(tmp_path / "cache")}
    env.pop("CIVICVOL_PLUGINS", None)

    def run() -> tuple[str, set[str]]:
        done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True,
                              timeout=120, check=True, env=env)
        return done.stdout, set(json.loads(done.stderr.strip().splitlines()[-1]))
    cold_out, cold = run()
    warm_out, warm = run()
    assert "importlib.metadata" in cold
    assert "importlib.metadata" not in warm
    assert json.loads(warm_out) == json.loads(cold_out)

"""The demo builds into an empty store only, and records its start and end, so that an
interrupted demo is named as such instead of passing for a small, real district."""

from __future__ import annotations

from contextlib import closing
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from civicvol import CivicVol
from civicvol.cli import cli
from civicvol.demo import build_panlong, interrupted_demos

TINY = "0.0001"


def civicvol(store: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", store, *args])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> str:
    store = f"sqlite:///{tmp_path_factory.mktemp('demo') / 'demo.db'}"
    assert civicvol(store, "demo", "--scale", TINY).exit_code == 0
    return store


def count(store: str) -> int:
    with closing(CivicVol(store, create=False)) as app:
        return app.event_count()


class TestTheDemoBuildsOneDistrict:
    def test_a_second_demo_into_the_same_store_is_refused(self, built: str) -> None:
        before = count(built)
        outcome = civicvol(built, "demo", "--scale", TINY)
        assert outcome.exit_code == 7
        assert outcome.stderr.splitlines() == [
            f"error: store {built} already holds a district: {before} events; build the demo "
            "into a new store, or ask for a second district to be built into it; give --store "
            "sqlite:///demo.db, or add --into-existing"]
        assert count(built) == before

    def test_a_finished_demo_is_not_flagged(self, built: str) -> None:
        assert "interrupted" not in civicvol(built, "report", "--json").stderr
        assert "interrupted" not in civicvol(built, "audit", "verify").stderr

    def test_asked_to_it_builds_into_an_existing_store(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'two.db'}"
        assert civicvol(store, "demo", "--scale", TINY).exit_code == 0
        first = count(store)
        assert civicvol(store, "demo", "--scale", TINY, "--into-existing").exit_code == 0
        assert count(store) > first + first // 2


class TestAnInterruptedDemo:
    @pytest.fixture
    def half_built(self, tmp_path: Path) -> str:
        store = f"sqlite:///{tmp_path / 'half.db'}"

        def interrupt(stage: str, done: int, total: int) -> None:
            if stage == "orders":
                raise KeyboardInterrupt

        with closing(CivicVol(store)) as app, pytest.raises(KeyboardInterrupt):
            build_panlong(app, scale=float(TINY), progress=interrupt)
        return store

    def test_report_and_verify_name_it(self, half_built: str) -> None:
        with closing(CivicVol(half_built, create=False)) as app:
            assert len(interrupted_demos(app)) == 1
        for command in (("report", "--json"), ("audit", "verify")):
            outcome = civicvol(half_built, *command)
            assert outcome.exit_code == 0, outcome.output
            assert "this store holds an interrupted demo" in outcome.stderr

    def test_building_again_on_it_says_what_is_there(self, half_built: str) -> None:
        outcome = civicvol(half_built, "demo", "--scale", TINY)
        assert outcome.exit_code == 7 and "(an interrupted demo)" in outcome.stderr

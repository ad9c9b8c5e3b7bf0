"""An import pauses Python's cyclic collector while it checks a roster (for speed at the
district's scale) and leaves it exactly as it found it, whether the import succeeds or not."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from civicvol import CivicVol
from civicvol.office import RosterHasBadRows, import_volunteers
from tests.conftest import ADMIN
from tests.office_files import HEADER, people, write_csv


@pytest.fixture
def app(tmp_path: Path) -> Iterator[CivicVol]:
    application = CivicVol(f"sqlite:///{tmp_path / 'civicvol.db'}")
    yield application
    application.close()


@pytest.fixture
def collector() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    gc.unfreeze()
    if enabled:
        gc.enable()
    else:
        gc.disable()


def test_a_good_import_leaves_the_collector_on_and_nothing_frozen(
        app: CivicVol, tmp_path: Path, collector: None) -> None:
    gc.enable()
    assert import_volunteers(app, ADMIN, write_csv(tmp_path / "r.csv", HEADER,
                                                   people(3))).imported == 3
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_refused_import_leaves_it_the_same(app: CivicVol, tmp_path: Path,
                                             collector: None) -> None:
    gc.enable()
    rows = [*people(2), ["张三", "123", "东庄社区", "", ""]]
    with pytest.raises(RosterHasBadRows):
        import_volunteers(app, ADMIN, write_csv(tmp_path / "r.csv", HEADER, rows))
    assert gc.isenabled() and gc.get_freeze_count() == 0


def frozen(thing: object) -> bool:
    """Whether the collector's passes leave ``thing`` out (frozen objects are in none)."""
    return not any(o is thing for o in gc.get_objects())


def test_a_collector_turned_off_stays_off_and_a_freeze_made_before_stays(
        app: CivicVol, tmp_path: Path, collector: None) -> None:
    start_up = [object()]  # what a server froze at start-up, say
    gc.freeze()
    gc.disable()
    import_volunteers(app, ADMIN, write_csv(tmp_path / "r.csv", HEADER, people(2)))
    assert not gc.isenabled()
    assert frozen(start_up)

"""A bulk import skips waiting for the disk per transaction, and is durable at its end."""

from __future__ import annotations

from pathlib import Path

from civicvol import CivicVol
from tests.conftest import ADMIN


def synchronous_mode(app: CivicVol) -> int:
    """SQLite's synchronous setting on the writer's connection: 1 NORMAL, 2 FULL."""
    with app.recorder.datastore.get_connection(commit=True) as connection:  # type: ignore[attr-defined]
        cursor = connection.cursor()
        cursor.execute("PRAGMA synchronous")
        return int(cursor.fetchone()[0])


class TestBulkImport:
    def test_an_import_commits_without_waiting_then_restores_durability(
        self, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 'district.db'}"
        app = CivicVol(url)
        app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区")
        assert synchronous_mode(app) == 2
        with app.bulk_import():
            ids = app.register_volunteers(
                ADMIN, [(f"志愿者{i}", f"1380013{i:04d}", "东庄社区", ()) for i in range(50)])
            app.register_volunteer(ADMIN, "王阿姨", "13900139000", "东庄社区")
            assert synchronous_mode(app) == 1
        assert synchronous_mode(app) == 2
        app.close()

        reopened = CivicVol(url)
        assert reopened.event_count() == 52
        assert reopened.volunteer(ids[-1]).contact.name == "志愿者49"
        reopened.close()

    def test_an_import_that_fails_still_restores_durability(self, tmp_path: Path) -> None:
        app = CivicVol(f"sqlite:///{tmp_path / 'district.db'}")
        try:
            with app.bulk_import():
                app.register_volunteer(ADMIN, "", "13800138000", "东庄社区")
        except Exception as error:
            assert "name" in str(error)
        assert synchronous_mode(app) == 2
        assert app.event_count() == 0
        app.close()

    def test_a_memory_store_imports_the_same_way(self) -> None:
        app = CivicVol("memory://")
        with app.bulk_import():
            app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区")
        assert app.event_count() == 1

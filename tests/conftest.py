"""Shared fixtures: every store the library supports, and the district's actors.

The PostgreSQL store is the real server on 127.0.0.1:5432 (trust authentication, database
``test``); each test gets a fresh schema, dropped afterwards. Where no server is reachable
the PostgreSQL tests skip with the reason, unless CIVICVOL_REQUIRE_POSTGRES=1 (as in CI),
which turns the skip into a failure.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

# The entry-point cache of the whole run (and of the commands it starts) lives in a temporary
# folder, never in the user's ~/.cache; set before civicvol reads it.
os.environ.setdefault("CIVICVOL_CACHE_DIR", tempfile.mkdtemp(prefix="civicvol-cache-"))

from civicvol import Actor, CivicVol
from civicvol.app.authorization import grant

PG_URL = os.environ.get("CIVICVOL_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
REQUIRE_PG = os.environ.get("CIVICVOL_REQUIRE_POSTGRES") == "1"
_pg_reason: list[str] = []


def postgres_unavailable() -> str:
    """Why PostgreSQL cannot be used here ('' when it can)."""
    if not _pg_reason:
        try:
            import psycopg

            with psycopg.connect(PG_URL.split("?")[0], connect_timeout=3):
                _pg_reason.append("")
        except Exception as error:  # any failure to connect means: no server here
            first = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
            _pg_reason.append(f"PostgreSQL not reachable at {PG_URL}: {first}")
    return _pg_reason[0]


def require_postgres() -> None:
    reason = postgres_unavailable()
    if reason:
        if REQUIRE_PG:
            pytest.fail(f"CIVICVOL_REQUIRE_POSTGRES=1 but {reason}")
        pytest.skip(reason)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A test marked shared_store opens its store a second time, which memory:// cannot be."""
    kept, dropped = [], []
    for item in items:
        params = getattr(getattr(item, "callspec", None), "params", {})
        if item.get_closest_marker("shared_store") and params.get("store_url") == "memory":
            dropped.append(item)
        else:
            kept.append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A store URL for a fresh PostgreSQL schema, dropped after the test."""
    require_postgres()
    import psycopg

    schema = f"t_{uuid.uuid4().hex[:12]}"
    yield f"{PG_URL}?schema={schema}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test that takes it runs against memory, SQLite and PostgreSQL."""
    if request.param == "memory":
        return "memory://"
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'civicvol.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture(params=["sqlite", "postgres"])
def disk_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store that other processes (and an insider with SQL) can reach: a SQLite file or a
    PostgreSQL schema."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'civicvol.db'}"
    return str(request.getfixturevalue("pg_schema_url"))


@pytest.fixture
def app(store_url: str) -> Iterator[CivicVol]:
    application = CivicVol(store_url)
    yield application
    application.close()


@pytest.fixture
def memory_app() -> Iterator[CivicVol]:
    application = CivicVol("memory://")
    yield application
    application.close()


ADMIN = Actor("administrator", "admin-1")
# The tests credit points as a plug-in does: through a command that registered its source
# kinds ("award", "commendation"), granted here to the district's administrators.
AWARD_COMMAND = "tests.award"
# "shift": the credits of a retired plug-in's records (tests/test_audit_trace.py).
grant(AWARD_COMMAND, "administrator", credits=["award", "commendation", "shift"])
DISPATCHER = Actor("dispatcher", "centre-1")
AUDITOR = Actor("auditor", "audit-1")
POINTS_AUDITOR = Actor("points-auditor", "pa-1")
STATION_KEEPER = Actor("station-keeper", "sk-1")
RESIDENT = Actor("resident", "r-1001")
NEIGHBOUR = Actor("resident", "r-2002")

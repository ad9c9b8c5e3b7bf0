"""Stories of the tamper-evident audit trail: every stored event is chained, and an insider
who edits the database behind civicvol's back is caught at the right position, with the right
kind of damage, on SQLite and PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path
from uuid import uuid4

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from eventsourcing.persistence import IntegrityError, ProgrammingError, StoredEvent

from civicvol import CivicVol
from civicvol.audit.bundle import TamperedStore, export_bundle
from civicvol.audit.chain import ChainStripped, UnchainedStore, link_rows
from civicvol.audit.checkpoint import sign_checkpoint
from civicvol.audit.recorders import ChainedRow, as_chained
from civicvol.audit.store_verification import verify_store
from civicvol.audit.verifier import (
    BAD_SIGNATURE,
    CHANGED,
    CHECKPOINT_MISMATCH,
    HIDDEN,
    INSERTED,
    MISSING,
    REORDERED,
    TRUNCATED,
    Checkpoint,
    VerificationResult,
    chain_hash,
)
from civicvol.domain import errors
from civicvol.store import store_name
from tests.audit_tamper import Tamperer
from tests.conftest import RESIDENT
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def district(disk_url: str) -> Iterator[CivicVol]:
    """A district with a team, volunteers and three completed orders (about thirty events)."""
    app = CivicVol(disk_url)
    world = build_world(app)
    for _ in range(3):
        world.completed_order()
    yield app
    app.close()


def verify(app: CivicVol, *checkpoints: Checkpoint, trusted: tuple[bytes, ...] = ()
           ) -> VerificationResult:
    """Verify the store as a fresh process would: through a newly opened application."""
    reopened = CivicVol(app.store_url)
    try:
        # The tamper stories pin no key unless they say so: trusting the checkpoints' own
        # keys keeps them about the chain (TestPinnedKeys is about the keys).
        return verify_store(as_chained(reopened.recorder), checkpoints, trusted, page=7,
                            trust_embedded=not trusted)
    finally:
        reopened.close()


def checkpoint(app: CivicVol, key: Ed25519PrivateKey | None = None) -> Checkpoint:
    return sign_checkpoint(key or Ed25519PrivateKey.generate(), store_name(app.store_url),
                           as_chained(app.recorder))


def found(result: VerificationResult) -> tuple[int, str] | None:
    return (result.finding.position, result.finding.kind) if result.finding else None


class TestTheChain:
    def test_the_recorders_inline_hash_is_the_specified_hash(self) -> None:
        events = [(7, StoredEvent(uuid4(), 3, "plugins.骑手:Clue.Reported", bytes(range(256)))),
                  (9, StoredEvent(uuid4(), 1, "t", b""))]
        rows = link_rows(41, b"\x01" * 32, events)
        prev = b"\x01" * 32
        for (position, notification_id, oid, version, prev_hash, digest), (nid, event) in zip(
                rows, events, strict=True):
            assert (notification_id, oid, version, prev_hash) == (
                nid, str(event.originator_id), event.originator_version, prev)
            assert digest == chain_hash(prev, position, oid, version, event.topic, event.state)
            prev = digest
        assert [r[0] for r in rows] == [42, 43]

    def test_every_event_is_chained_at_a_dense_position(self, app: CivicVol) -> None:
        build_world(app).completed_order()
        recorder = as_chained(app.recorder)
        links = recorder.select_chain(0, 1000)
        assert [k.position for k in links] == list(range(1, app.event_count() + 1))
        result = verify_store(recorder, page=4)
        assert (result.intact, result.event_count) == (True, len(links))
        assert recorder.chain_head() == (len(links), links[-1].hash)

    def test_a_refused_command_adds_no_link(self, app: CivicVol) -> None:
        world = build_world(app)
        order = world.completed_order()
        app.rate_order(RESIDENT, order, 5)
        before = as_chained(app.recorder).chain_head()
        with pytest.raises(errors.OrderAlreadyRated):
            app.rate_order(RESIDENT, order, 4)
        assert as_chained(app.recorder).chain_head() == before

    def test_verification_streams_the_log_a_page_at_a_time(self, memory_app: CivicVol
                                                            ) -> None:
        world = build_world(memory_app)
        for _ in range(4):
            world.completed_order()
        recorder = as_chained(memory_app.recorder)
        asked: list[int] = []
        read_page = recorder.select_chained

        def spy(after_id: int, limit: int) -> Sequence[ChainedRow]:
            asked.append(limit)
            page = read_page(after_id, limit)
            assert len(page) <= limit
            return page

        recorder.select_chained = spy  # type: ignore[method-assign]
        result = verify_store(recorder, page=5)
        assert result.intact and result.event_count > 20
        # ceil(n / 5) pages, then one empty read that ends the walk
        assert set(asked) == {5} and len(asked) == -(-result.event_count // 5) + 1

    def test_an_intact_district_verifies_against_its_checkpoint(self, district: CivicVol
                                                                ) -> None:
        signed = checkpoint(district)
        result = verify(district, signed)
        assert (result.intact, result.event_count, result.checkpoints_checked) == (
            True, signed.event_count, 1)
        assert result.head_hash == signed.head_hash


class TestTamperingIsCaught:
    def test_one_byte_of_a_stored_state_changed(self, district: CivicVol) -> None:
        Tamperer(district).flip_state_byte(4)
        assert found(verify(district)) == (4, CHANGED)

    def test_a_topic_changed(self, district: CivicVol) -> None:
        Tamperer(district).change_topic(5)
        assert found(verify(district)) == (5, CHANGED)

    def test_an_originator_changed(self, district: CivicVol) -> None:
        tamperer = Tamperer(district)
        other = uuid4()
        tamperer.sql(f"UPDATE {tamperer.events} SET originator_id=? WHERE "
                     f"{tamperer.id_column}=?", other if tamperer.postgres else other.hex,
                     tamperer.id_at(5))
        assert found(verify(district)) == (5, CHANGED)

    def test_a_chain_hash_changed(self, district: CivicVol) -> None:
        tamperer = Tamperer(district)
        tamperer.sql(f"UPDATE {tamperer.events} SET chain_hash=? WHERE {tamperer.id_column}=?",
                     bytes(32), tamperer.id_at(8))
        assert found(verify(district)) == (8, CHANGED)

    def test_a_middle_event_deleted(self, district: CivicVol) -> None:
        Tamperer(district).delete_event(6)
        assert found(verify(district)) == (6, MISSING)

    def test_the_tail_deleted_passes_alone_and_is_caught_by_a_checkpoint(
        self, district: CivicVol
    ) -> None:
        signed = checkpoint(district)
        Tamperer(district).delete_tail(29)
        shortened = verify(district)
        # Without a checkpoint a shorter chain is still a valid chain ...
        assert (shortened.intact, shortened.event_count) == (True, 28)
        # ... the checkpoint the auditors kept is what catches the truncation.
        assert found(verify(district, signed)) == (29, TRUNCATED)

    def test_an_event_appended_without_a_link(self, district: CivicVol) -> None:
        count = district.event_count()
        Tamperer(district).append_event(like_position=3)
        assert found(verify(district)) == (count + 1, INSERTED)

    def test_an_event_slipped_into_the_middle(self, district: CivicVol) -> None:
        Tamperer(district).insert_event_before(7)
        assert found(verify(district)) == (7, INSERTED)

    def test_two_events_swapped(self, district: CivicVol) -> None:
        Tamperer(district).swap(3, 7)
        assert found(verify(district)) == (3, REORDERED)

    def test_the_whole_log_rewritten_with_recomputed_hashes(self, district: CivicVol) -> None:
        signed = checkpoint(district)
        Tamperer(district).rewrite_from(2)
        assert verify(district).intact  # a consistent forgery, on its own
        assert found(verify(district, signed)) == (signed.event_count, CHECKPOINT_MISMATCH)

    def test_a_checkpoint_signed_by_the_wrong_key(self, district: CivicVol) -> None:
        ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
        genuine = checkpoint(district, ours)
        forged = checkpoint(district, theirs)
        claiming_ours = Checkpoint(genuine.store, genuine.event_count, genuine.head_hash,
                                   genuine.signed_at, genuine.public_key, forged.signature,
                                   source="forged.json")
        assert found(verify(district, claiming_ours)) == (genuine.event_count, BAD_SIGNATURE)
        assert found(verify(district, forged, trusted=(genuine.public_key,))) == (
            forged.event_count, BAD_SIGNATURE)
        assert verify(district, genuine, trusted=(genuine.public_key,)).intact


class TestPinnedKeys:
    def test_a_checkpoint_needs_a_pinned_key_or_a_knowing_trust(self, district: CivicVol
                                                                ) -> None:
        signed = checkpoint(district)
        recorder = as_chained(district.recorder)
        assert found(verify_store(recorder, [signed])) == (signed.event_count, BAD_SIGNATURE)
        assert verify_store(recorder, [signed], trust_embedded=True).intact

    def test_a_pinned_key_that_signed_nothing_present_fails(self, district: CivicVol) -> None:
        signed = checkpoint(district)
        absent = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        assert found(verify(district, signed, trusted=(signed.public_key, absent))) == (
            0, BAD_SIGNATURE)
        assert found(verify(district, trusted=(absent,))) == (0, BAD_SIGNATURE)


class TestEveryRowIsAccountedFor:
    @pytest.mark.parametrize("at_id", [0, -7])
    def test_a_forged_row_below_id_1_is_hidden_and_caught(self, district: CivicVol,
                                                          at_id: int, tmp_path: Path) -> None:
        signed = checkpoint(district)
        Tamperer(district).hide_row(at_id, like_position=1)
        result = verify(district, signed, trusted=(signed.public_key,))
        assert found(result) == (1, HIDDEN)
        assert f"notification id {at_id}" in result.finding.detail  # type: ignore[union-attr]
        with pytest.raises(TamperedStore, match="hidden"):
            export_bundle(as_chained(district.recorder), "s", tmp_path / "bundle")

    def test_rows_are_counted_against_the_chain(self, district: CivicVol) -> None:
        recorder = as_chained(district.recorder)
        count, _ = recorder.chain_head()
        last = recorder.select_chain(count - 1, 1)[0].notification_id
        assert recorder.count_rows(last) == count
        Tamperer(district).hide_row(-3)
        assert recorder.count_rows(last) == count + 1

    def test_the_recorder_never_continues_from_a_hidden_row(self, tmp_path: Path) -> None:
        app = CivicVol(f"sqlite:///{tmp_path / 's.db'}")
        build_world(app)
        tamperer = Tamperer(app)
        tamperer.hide_row(0)
        tamperer.sql(f"DELETE FROM {tamperer.events} WHERE rowid>0")  # only the forgery left
        tamperer.sql(f"DELETE FROM {tamperer.events}_tree")  # and no tree of what was there
        ids = app.recorder.insert_events([StoredEvent(uuid4(), 1, "t:T", b"{}")])
        assert ids == [1]
        assert as_chained(app.recorder).select_chain(0, 10)[0].position == 1
        app.close()

    def test_postgres_refuses_ids_below_1_from_its_sequence(self, pg_schema_url: str) -> None:
        app = CivicVol(pg_schema_url)
        build_world(app)
        count = app.event_count()
        tamperer = Tamperer(app)
        tamperer.sql(f"SELECT setval(pg_get_serial_sequence('{tamperer.events}', "
                     "'notification_id'), 1, false)")
        tamperer.sql(f"ALTER SEQUENCE {tamperer.events}_notification_id_seq MINVALUE -10 "
                     "RESTART WITH -5")
        with pytest.raises(ProgrammingError, match="below 1"):
            app.recorder.insert_events([StoredEvent(uuid4(), 1, "t:T", b"{}")])
        assert app.event_count() == count and verify(app).intact
        app.close()


class TestStrippedChains:
    def test_stripped_chain_columns_are_tampering(self, district: CivicVol) -> None:
        Tamperer(district).strip_chain_columns()
        with pytest.raises(ChainStripped, match="tampered with") as refused:
            CivicVol(district.store_url)
        assert refused.value.exit_code == 1

    def test_blanked_chain_values_are_tampering(self, district: CivicVol) -> None:
        Tamperer(district).blank_chain_values()
        with pytest.raises(ChainStripped, match="tampered with"):
            CivicVol(district.store_url)


class TestPositionsStayDense:
    def test_a_refused_insert_leaves_no_gap_in_the_chain_though_ids_may_have_one(
        self, disk_url: str
    ) -> None:
        app = CivicVol(disk_url)
        build_world(app)
        recorder = app.recorder
        first = recorder.select_notifications(1, 1)[0]
        duplicate = StoredEvent(first.originator_id, first.originator_version, first.topic,
                                first.state)
        fresh = [StoredEvent(uuid4(), 1, "t:T", b"{}") for _ in range(3)]
        with pytest.raises(IntegrityError):  # on PostgreSQL this burns sequence values
            recorder.insert_events([*fresh, duplicate])
        ids = recorder.insert_events(fresh)
        assert ids is not None
        links = as_chained(recorder).select_chain(0, 1000)
        stored = recorder.select_notifications(1, 1000)
        assert [k.position for k in links] == list(range(1, len(stored) + 1))
        assert [k.notification_id for k in links[-3:]] == list(ids)
        if disk_url.startswith("postgres"):  # the sequence's gap is there, the chain has none
            assert ids[0] > links[-4].notification_id + 1
        assert verify(app).intact
        app.close()


class TestStoresWithoutAChain:
    def test_a_store_written_without_the_chain_is_refused_with_a_clear_error(
        self, tmp_path: Path
    ) -> None:
        from eventsourcing.application import Application
        from eventsourcing.domain import Aggregate

        path = tmp_path / "old.db"
        plain = Application[object](env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                         "SQLITE_DBNAME": str(path)})
        plain.save(Aggregate())
        plain.close()
        with pytest.raises(UnchainedStore, match="no hash chain"):
            CivicVol(f"sqlite:///{path}")

    def test_an_empty_store_is_chained_from_its_first_event(self, tmp_path: Path) -> None:
        from eventsourcing.application import Application

        path = tmp_path / "new.db"
        Application[object](env={"PERSISTENCE_MODULE": "eventsourcing.sqlite",
                                 "SQLITE_DBNAME": str(path)}).close()  # an old, empty table
        app = CivicVol(f"sqlite:///{path}")
        assert as_chained(app.recorder).chain_head()[0] == 0
        build_world(app)
        assert verify(app).intact
        app.close()


WRITER = textwrap.dedent("""
    import sys
    from civicvol import CivicVol
    from tests.conftest import ADMIN
    app = CivicVol(sys.argv[1])
    for i in range(int(sys.argv[2])):
        phone = f"13{'12'['ab'.index(sys.argv[3])]}{i:08d}"  # each writer its own people
        app.register_volunteer(ADMIN, f"志愿者{i}", phone, "东庄社区")
        app.create_team(ADMIN, f"队{sys.argv[3]}{i}", "special")
    app.close()
""")


class TestConcurrentWriters:
    def test_two_processes_writing_at_once_keep_the_chain_dense_and_valid(
        self, disk_url: str
    ) -> None:
        CivicVol(disk_url).close()  # create the tables once, before the race
        writers = [subprocess.Popen([sys.executable, "-c", WRITER, disk_url, "40", name],
                                    cwd=ROOT, stderr=subprocess.PIPE, text=True)
                   for name in ("a", "b")]
        for writer in writers:
            _, err = writer.communicate(timeout=120)
            assert writer.returncode == 0, err
        app = CivicVol(disk_url)
        links = as_chained(app.recorder).select_chain(0, 1000)
        assert [k.position for k in links] == list(range(1, 161))
        result = verify(app)
        assert (result.intact, result.event_count) == (True, 160)
        app.close()

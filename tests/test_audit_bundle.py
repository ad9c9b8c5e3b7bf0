"""Stories of audit bundles: a district's history exported with its chain is checked by the
stand-alone verifier without any database, and tampering with the files is caught at the
right position with the right kind."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from civicvol import CivicVol
from civicvol.audit.bundle import TamperedStore, export_bundle
from civicvol.audit.checkpoint import sign_checkpoint
from civicvol.audit.recorders import as_chained
from civicvol.audit.verifier import (
    BAD_SIGNATURE,
    CHANGED,
    CHECKPOINT_MISMATCH,
    INSERTED,
    MISSING,
    REORDERED,
    TRUNCATED,
    Checkpoint,
    VerificationResult,
    chain_hash,
    verify_bundle,
)
from civicvol.domain.errors import CivicVolError
from civicvol.store import store_name
from tests.audit_tamper import Tamperer
from tests.conftest import ADMIN, DISPATCHER, RESIDENT
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent
VERIFIER = ROOT / "src" / "civicvol" / "audit" / "verifier.py"


def export(app: CivicVol, out: Path, *checkpoints: Checkpoint) -> Path:
    export_bundle(as_chained(app.recorder), store_name(app.store_url), out, checkpoints)
    return out


def found(result: VerificationResult) -> tuple[int, str] | None:
    return (result.finding.position, result.finding.kind) if result.finding else None


class Bundle:
    """The bundle's files, edited as an insider with a text editor could."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.events = folder / "events.jsonl"
        self.manifest_path = folder / "manifest.json"

    @property
    def lines(self) -> list[dict[str, object]]:
        return [json.loads(line) for line in self.events.read_text().splitlines()]

    def write(self, lines: list[dict[str, object]]) -> None:
        self.events.write_text("".join(json.dumps(line, separators=(",", ":")) + "\n"
                                       for line in lines))

    @property
    def manifest(self) -> dict[str, object]:
        return dict(json.loads(self.manifest_path.read_text()))

    def write_manifest(self, manifest: dict[str, object]) -> None:
        self.manifest_path.write_text(json.dumps(manifest))

    def edit(self, position: int, **fields: object) -> None:
        lines = self.lines
        lines[position - 1].update(fields)
        self.write(lines)

    def recompute_from(self, position: int) -> None:
        """Recompute every hash from ``position`` on, and the manifest's head and count."""
        lines = self.lines
        prev = bytes.fromhex(str(lines[position - 2]["hash"])) if position > 1 else bytes(32)
        for line in lines[position - 1:]:
            line["prev_hash"] = prev.hex()
            prev = chain_hash(prev, int(str(line["position"])), str(line["originator_id"]),
                              int(str(line["originator_version"])), str(line["topic"]),
                              base64.b64decode(str(line["state"])))
            line["hash"] = prev.hex()
        self.write(lines)
        manifest = self.manifest
        manifest["event_count"], manifest["head_hash"] = len(lines), prev.hex()
        self.write_manifest(manifest)


@pytest.fixture
def district() -> Iterator[CivicVol]:
    app = CivicVol("memory://")
    world = build_world(app)
    for _ in range(3):
        world.completed_order()
    yield app
    app.close()


@pytest.fixture
def signed(district: CivicVol) -> Checkpoint:
    return sign_checkpoint(Ed25519PrivateKey.generate(), store_name(district.store_url),
                           as_chained(district.recorder))


@pytest.fixture
def bundle(district: CivicVol, signed: Checkpoint, tmp_path: Path) -> Bundle:
    """The district exported with the auditors' checkpoint in its manifest."""
    return Bundle(export(district, tmp_path / "bundle", signed))


class TestAnIntactBundle:
    def test_it_verifies_with_its_checkpoint_and_has_every_event(
        self, district: CivicVol, bundle: Bundle, signed: Checkpoint
    ) -> None:
        result = verify_bundle(bundle.folder, trusted_keys=[signed.public_key])
        assert (result.intact, result.event_count, result.checkpoints_checked) == (
            True, district.event_count(), 1)
        assert result.head_hash == signed.head_hash
        manifest = bundle.manifest
        assert (manifest["format_version"], manifest["hash_algorithm"]) == (1, "sha256")
        assert manifest["public_keys"] == [signed.public_key.hex()]

    def test_the_verifier_runs_alone_importing_nothing_of_civicvol_or_eventsourcing(
        self, bundle: Bundle
    ) -> None:
        script = textwrap.dedent(f"""
            import sys
            sys.path.insert(0, {str(VERIFIER.parent)!r})
            import verifier
            code = verifier.main([{str(bundle.folder)!r}, "--trust-embedded-keys"])
            loaded = {{m.split(".")[0] for m in sys.modules}}
            assert not loaded & {{"civicvol", "eventsourcing"}}, loaded
            # Besides the standard library: cryptography, its bindings, and site's hooks.
            allowed = set(sys.stdlib_module_names) | {{
                "__main__", "verifier", "cryptography", "cffi", "_cffi_backend", "_openssl",
                "_distutils_hack"}}
            assert loaded <= allowed, sorted(loaded - allowed)
            sys.exit(code)
        """)
        run = subprocess.run([sys.executable, "-I", "-c", script], capture_output=True,
                             text=True, timeout=60)
        assert run.returncode == 0, run.stderr
        assert run.stdout.startswith(f"intact: {len(bundle.lines)} events")

    def test_the_verifier_says_what_to_give_when_an_argument_is_wrong(
        self, bundle: Bundle, tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        from civicvol.audit import verifier

        (tmp_path / "auditor.pub").write_text("not a key\n")
        assert verifier.main([str(bundle.folder), "--public-key",
                              str(tmp_path / "auditor.pub")]) == 2
        assert "cannot read public key" in capsys.readouterr().err
        assert verifier.main([str(bundle.folder), "--public-key"]) == 2
        assert capsys.readouterr().err.startswith("usage: python verifier.py BUNDLE_DIR")
        assert verifier.main([str(tmp_path / "nowhere")]) == 2
        assert "give the folder written by 'civicvol audit export'" in capsys.readouterr().err

    def test_a_tampered_store_is_not_exported(self, tmp_path: Path) -> None:
        app = CivicVol(f"sqlite:///{tmp_path / 'c.db'}")
        build_world(app)
        Tamperer(app).change_topic(3)
        with pytest.raises(TamperedStore, match="position 3: changed"):
            export(CivicVol(app.store_url), tmp_path / "bundle")


class TestTamperingWithABundleIsCaught:
    def test_one_byte_of_a_stored_state_changed(self, bundle: Bundle) -> None:
        state = bytearray(base64.b64decode(str(bundle.lines[3]["state"])))
        state[5] ^= 0x20
        bundle.edit(4, state=base64.b64encode(bytes(state)).decode())
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (4, CHANGED)

    def test_a_topic_changed(self, bundle: Bundle) -> None:
        bundle.edit(5, topic="civicvol.domain.forged:Forged")
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (5, CHANGED)

    def test_a_middle_event_deleted(self, bundle: Bundle) -> None:
        lines = bundle.lines
        del lines[5]
        bundle.write(lines)
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (6, MISSING)

    def test_the_tail_deleted_passes_alone_and_is_caught_by_a_checkpoint(
        self, bundle: Bundle, signed: Checkpoint
    ) -> None:
        bundle.write(bundle.lines[:28])
        # the manifest's count:
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (29, TRUNCATED)
        manifest = bundle.manifest
        manifest["checkpoints"], manifest["public_keys"] = [], []  # as a forger would
        bundle.write_manifest(manifest)
        bundle.recompute_from(28)  # the manifest now agrees with the shortened file
        assert verify_bundle(bundle.folder, trust_embedded=True).intact
        assert found(verify_bundle(bundle.folder, [signed], trust_embedded=True)) == (
            29, TRUNCATED)

    def test_an_event_inserted(self, bundle: Bundle) -> None:
        lines = bundle.lines
        lines.insert(6, dict(lines[2]))
        bundle.write(lines)
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (7, INSERTED)

    def test_a_forged_event_with_a_recomputed_hash_inserted(self, bundle: Bundle) -> None:
        lines = bundle.lines
        forged = dict(lines[6], topic="civicvol.domain.forged:Forged")
        forged["hash"] = chain_hash(bytes.fromhex(str(forged["prev_hash"])), 7,
                                    str(forged["originator_id"]),
                                    int(str(forged["originator_version"])), str(forged["topic"]),
                                    base64.b64decode(str(forged["state"]))).hex()
        lines.insert(6, forged)
        bundle.write(lines)
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (7, INSERTED)

    def test_two_events_swapped(self, bundle: Bundle) -> None:
        lines = bundle.lines
        lines[2], lines[6] = lines[6], lines[2]
        bundle.write(lines)
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (3, REORDERED)

    def test_the_whole_log_rewritten_with_recomputed_hashes(
        self, bundle: Bundle, signed: Checkpoint
    ) -> None:
        manifest = bundle.manifest
        manifest["checkpoints"], manifest["public_keys"] = [], []  # as a forger would
        bundle.write_manifest(manifest)
        bundle.edit(2, topic="civicvol.domain.forged:Forged")
        bundle.recompute_from(2)
        # a consistent forgery, on its own:
        assert verify_bundle(bundle.folder, trust_embedded=True).intact
        assert found(verify_bundle(bundle.folder, [signed], trust_embedded=True)) == (
            signed.event_count, CHECKPOINT_MISMATCH)

    def test_the_manifests_head_changed(self, bundle: Bundle) -> None:
        manifest = bundle.manifest
        manifest["head_hash"] = "00" * 32
        bundle.write_manifest(manifest)
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (
            len(bundle.lines), CHANGED)

    def test_a_checkpoint_signed_by_the_wrong_key(self, bundle: Bundle,
                                                  signed: Checkpoint) -> None:
        manifest = bundle.manifest
        checkpoints = list(manifest["checkpoints"])  # type: ignore[call-overload]
        wrong = Ed25519PrivateKey.generate().sign(signed.message())
        checkpoints[0] = dict(checkpoints[0], signature=wrong.hex())
        manifest["checkpoints"] = checkpoints
        bundle.write_manifest(manifest)
        assert found(verify_bundle(bundle.folder, trust_embedded=True)) == (
            len(bundle.lines), BAD_SIGNATURE)

    def test_a_checkpoint_by_an_untrusted_key(self, bundle: Bundle) -> None:
        ours = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        assert found(verify_bundle(bundle.folder, trusted_keys=[ours])) == (
            len(bundle.lines), BAD_SIGNATURE)


class TestPinnedKeys:
    def test_an_unpinned_checkpoint_is_not_trusted_unless_knowingly(
        self, bundle: Bundle, signed: Checkpoint
    ) -> None:
        assert found(verify_bundle(bundle.folder)) == (signed.event_count, BAD_SIGNATURE)
        assert verify_bundle(bundle.folder, trust_embedded=True).intact
        assert verify_bundle(bundle.folder, trusted_keys=[signed.public_key]).intact

    def test_a_pinned_key_that_signed_nothing_present_fails(self, bundle: Bundle,
                                                            signed: Checkpoint) -> None:
        absent = Ed25519PrivateKey.generate().public_key().public_bytes_raw()
        result = verify_bundle(bundle.folder, trusted_keys=[signed.public_key, absent])
        assert found(result) == (0, BAD_SIGNATURE)
        assert "signed none" in result.finding.detail  # type: ignore[union-attr]

    def test_an_attacker_signed_checkpoint_of_a_rewritten_bundle_fails_the_pinned_key(
        self, bundle: Bundle, district: CivicVol, signed: Checkpoint
    ) -> None:
        bundle.edit(2, topic="civicvol.domain.forged:Forged")
        bundle.recompute_from(2)
        theirs = Ed25519PrivateKey.generate()
        forged = Checkpoint(signed.store, len(bundle.lines),
                            bytes.fromhex(str(bundle.manifest["head_hash"])), signed.signed_at,
                            theirs.public_key().public_bytes_raw(), b"")
        forged = Checkpoint(forged.store, forged.event_count, forged.head_hash,
                            forged.signed_at, forged.public_key, theirs.sign(forged.message()))
        manifest = bundle.manifest
        manifest["checkpoints"] = [forged.to_json()]
        manifest["public_keys"] = [forged.public_key.hex()]
        bundle.write_manifest(manifest)
        assert verify_bundle(bundle.folder, trust_embedded=True).intact  # why keys are pinned
        assert found(verify_bundle(bundle.folder, trusted_keys=[signed.public_key])) == (
            forged.event_count, BAD_SIGNATURE)

    def test_the_manifests_public_keys_must_be_its_checkpoints_keys(
        self, bundle: Bundle, signed: Checkpoint
    ) -> None:
        manifest = bundle.manifest
        manifest["public_keys"] = ["ab" * 32]
        bundle.write_manifest(manifest)
        assert found(verify_bundle(bundle.folder, trusted_keys=[signed.public_key])) == (
            0, BAD_SIGNATURE)

    def test_a_checkpoint_of_another_store_does_not_match(self, bundle: Bundle,
                                                          signed: Checkpoint) -> None:
        manifest = bundle.manifest
        manifest["store"] = "sqlite:////srv/elsewhere.db"
        bundle.write_manifest(manifest)
        assert found(verify_bundle(bundle.folder, trusted_keys=[signed.public_key])) == (
            signed.event_count, CHECKPOINT_MISMATCH)


def _respaced(line: bytes) -> bytes:
    return line.replace(b'","', b'", "', 1)


def _reordered(line: bytes) -> bytes:
    data = json.loads(line)
    return json.dumps(dict(reversed(list(data.items()))), separators=(",", ":")).encode()


def _crlf(line: bytes) -> bytes:
    return line + b"\r"


def _duplicate_position(line: bytes) -> bytes:
    return b'{"position":99,' + line[1:]


def _needless_escape(line: bytes) -> bytes:
    return line.replace(b'"topic":"c', b'"topic":"\\u0063', 1)


def _unhyphenated(line: bytes) -> bytes:
    data = json.loads(line)
    return line.replace(data["originator_id"].encode(),
                        data["originator_id"].replace("-", "").encode())


class TestCanonicalLines:
    @pytest.mark.parametrize("spoil", [_respaced, _reordered, _crlf, _duplicate_position,
                                       _needless_escape, _unhyphenated])
    def test_a_line_not_in_the_canonical_form_is_refused(self, bundle: Bundle,
                                                         signed: Checkpoint,
                                                         spoil: Callable[[bytes], bytes]
                                                         ) -> None:
        lines = bundle.events.read_bytes().split(b"\n")
        spoiled = spoil(lines[2])
        assert spoiled != lines[2] and json.loads(spoiled) is not None
        lines[2] = spoiled
        bundle.events.write_bytes(b"\n".join(lines))
        result = verify_bundle(bundle.folder, trusted_keys=[signed.public_key])
        assert found(result) == (3, CHANGED)
        assert "line 3" in result.finding.detail  # type: ignore[union-attr]

    @pytest.mark.parametrize("name", ["../elsewhere/events.jsonl", "/etc/passwd", "..", "",
                                      "sub/events.jsonl"])
    def test_an_events_file_outside_the_bundle_is_refused(self, bundle: Bundle,
                                                          name: str) -> None:
        manifest = bundle.manifest
        manifest["events_file"] = name
        bundle.write_manifest(manifest)
        with pytest.raises(ValueError, match="inside the bundle"):
            verify_bundle(bundle.folder, trust_embedded=True)

    def test_a_manifest_with_a_member_twice_is_refused(self, bundle: Bundle) -> None:
        text = bundle.manifest_path.read_text()
        bundle.manifest_path.write_text(text.replace('"event_count"', '"event_count": 1, '
                                                     '"event_count"', 1))
        with pytest.raises(ValueError, match="appears twice"):
            verify_bundle(bundle.folder, trust_embedded=True)


# --- any history ---------------------------------------------------------------------------
COMMANDS = st.lists(st.sampled_from(["register", "team", "join", "place", "dispatch",
                                     "accept", "complete", "rate", "cancel"]),
                    min_size=1, max_size=12)


def live(app: CivicVol, commands: list[str]) -> None:
    """Play a random history; commands the district's rules refuse simply store nothing."""
    people, teams, orders = [app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区")], \
        [], []
    for command in commands:
        try:
            if command == "register":
                people.append(app.register_volunteer(ADMIN, "王阿姨", "13900139000", "东庄社区"))
            elif command == "team":
                teams.append(app.create_team(ADMIN, f"队{len(teams)}", "special"))
            elif command == "join" and teams:
                app.join_team(ADMIN, teams[-1], people[-1])
            elif command == "place":
                orders.append(app.place_order(RESIDENT, "理发"))
            elif command == "dispatch" and orders and teams:
                app.dispatch_order(DISPATCHER, orders[-1], teams[-1])
            elif command == "accept" and orders:
                app.accept_order(ADMIN.__class__("volunteer", str(people[-1])), orders[-1])
            elif command == "complete" and orders:
                app.complete_order(ADMIN.__class__("volunteer", str(people[-1])), orders[-1],
                                   "1")
            elif command == "rate" and orders:
                app.rate_order(RESIDENT, orders[-1], 5)
            elif command == "cancel" and orders:
                app.cancel_order(RESIDENT, orders[-1], "不需要了")
        except CivicVolError:
            pass


HYPOTHESIS = settings(max_examples=25, deadline=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


class TestAnyHistory:
    @HYPOTHESIS
    @given(commands=COMMANDS, where=st.floats(0, 1, exclude_max=True),
           mask=st.integers(1, 255))
    def test_export_verifies_and_any_flipped_byte_is_detected(
        self, tmp_path_factory: pytest.TempPathFactory, commands: list[str], where: float,
        mask: int
    ) -> None:
        app = CivicVol("memory://")
        live(app, commands)
        folder = export(app, tmp_path_factory.mktemp("bundle"))
        result = verify_bundle(folder)
        assert (result.intact, result.event_count) == (True, app.event_count())
        events = folder / "events.jsonl"
        data = bytearray(events.read_bytes())
        data[int(where * len(data))] ^= mask
        events.write_bytes(bytes(data))
        assert not verify_bundle(folder).intact
        app.close()

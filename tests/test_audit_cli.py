"""The auditors' chain commands on a SQLite store: keygen, checkpoint, verify, export,
verify-bundle; their exit codes and what they print."""

from __future__ import annotations

import contextlib
import io
import json
import re
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from civicvol import CivicVol
from civicvol.audit.verifier import CHAIN_TAG, chain_hash
from civicvol.cli import cli
from tests.audit_tamper import Tamperer
from tests.world import build_world

ROOT = Path(__file__).resolve().parent.parent


def audit(store: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", store, "audit", *args], catch_exceptions=False,
                              prog_name="civicvol")


@pytest.fixture
def store(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'district.db'}"
    app = CivicVol(url)
    build_world(app).completed_order()
    app.close()
    return url


@pytest.fixture
def key(tmp_path: Path, store: str) -> Path:
    out = tmp_path / "auditor.key"
    result = audit(store, "keygen", "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


class TestKeysAndCheckpoints:
    def test_keygen_writes_a_private_key_only_its_owner_can_read(self, key: Path,
                                                                store: str) -> None:
        assert stat.S_IMODE(key.stat().st_mode) == 0o600
        public = key.with_name("auditor.key.pub").read_text()
        assert public.startswith("-----BEGIN PUBLIC KEY-----")
        again = audit(store, "keygen", "--out", str(key))
        assert again.exit_code == 2 and "exists already" in again.stderr

    def test_a_checkpoint_states_the_store_the_count_and_the_head(
        self, key: Path, store: str, tmp_path: Path
    ) -> None:
        out = tmp_path / "cp.json"
        result = audit(store, "checkpoint", "--key", str(key), "--out", str(out))
        assert result.exit_code == 0, result.output
        checkpoint = json.loads(out.read_text())
        app = CivicVol(store)
        assert (checkpoint["store"], checkpoint["event_count"]) == (store, app.event_count())
        assert checkpoint["head_hash"] == result.stdout.strip()
        app.close()


class TestVerify:
    def test_an_intact_store_exits_zero(self, key: Path, store: str, tmp_path: Path) -> None:
        cp = tmp_path / "cp.json"
        audit(store, "checkpoint", "--key", str(key), "--out", str(cp))
        result = audit(store, "verify", "--checkpoint", str(cp), "--public-key",
                       f"{key}.pub", "--json")
        assert result.exit_code == 0, result.output
        report = json.loads(result.stdout)
        assert (report["intact"], report["checkpoints_checked"]) == (True, 1)

    def test_a_tampered_store_exits_one_naming_the_first_bad_position(self, store: str
                                                                     ) -> None:
        app = CivicVol(store)
        Tamperer(app).flip_state_byte(5)
        app.close()
        result = audit(store, "verify")
        assert result.exit_code == 1
        assert "first bad position 5 (changed)" in result.stdout

    def test_a_checkpoint_is_trusted_only_with_a_pinned_key_or_a_loud_choice(
        self, key: Path, store: str, tmp_path: Path
    ) -> None:
        cp = tmp_path / "cp.json"
        audit(store, "checkpoint", "--key", str(key), "--out", str(cp))
        unpinned = audit(store, "verify", "--checkpoint", str(cp))
        assert unpinned.exit_code == 1 and "(bad-signature)" in unpinned.stdout
        assert "--public-key" in unpinned.stdout
        knowingly = audit(store, "verify", "--checkpoint", str(cp), "--trust-embedded-keys")
        assert knowingly.exit_code == 0, knowingly.output
        assert "WARNING: trusting the public keys the checkpoints carry" in knowingly.stderr
        both = audit(store, "verify", "--checkpoint", str(cp), "--trust-embedded-keys",
                     "--public-key", f"{key}.pub")
        assert both.exit_code == 2 and "not both" in both.stderr

    def test_an_unreadable_checkpoint_exits_two(self, store: str, tmp_path: Path) -> None:
        (tmp_path / "cp.json").write_text("{}")
        result = audit(store, "verify", "--checkpoint", str(tmp_path / "cp.json"))
        assert result.exit_code == 2 and "not a civicvol checkpoint" in result.stderr
        assert "written by 'civicvol audit checkpoint'" in result.stderr

    def test_an_unreadable_public_key_exits_two_saying_which_file_to_give(
        self, store: str, tmp_path: Path
    ) -> None:
        (tmp_path / "auditor.pub").write_text("not a key\n")
        result = audit(store, "verify", "--public-key", str(tmp_path / "auditor.pub"))
        assert result.exit_code == 2
        assert f"cannot read public key {tmp_path / 'auditor.pub'}" in result.stderr
        assert "the .pub file written by 'civicvol audit keygen'" in result.stderr


class TestBundles:
    def test_export_then_verify_bundle_and_catch_a_flipped_byte(
        self, key: Path, store: str, tmp_path: Path
    ) -> None:
        cp, bundle = tmp_path / "cp.json", tmp_path / "bundle"
        audit(store, "checkpoint", "--key", str(key), "--out", str(cp))
        assert audit(store, "export", str(bundle), "--checkpoint", str(cp)).exit_code == 0
        verified = audit(store, "verify-bundle", str(bundle), "--public-key", f"{key}.pub")
        assert verified.exit_code == 0, verified.output
        assert "is intact" in verified.stdout
        events = bundle / "events.jsonl"
        events.write_text(events.read_text().replace('"originator_version":1,',
                                                     '"originator_version":2,', 1))
        broken = audit(store, "verify-bundle", str(bundle), "--public-key", f"{key}.pub")
        assert broken.exit_code == 1
        assert "first bad position 1 (changed)" in broken.stdout


class TestTheFormatDocument:
    def test_the_worked_example_is_what_the_verifier_computes(self) -> None:
        doc = (ROOT / "docs" / "audit" / "bundle-format.md").read_text()
        digest = chain_hash(bytes(32), 1, "3f2b9c1e-8a4d-4c6e-9b1a-2d5e7f801234", 1,
                            "civicvol.domain.team:Team.Created", b'{"name":"Barbers"}')
        assert doc.count(digest.hex()) >= 3
        assert CHAIN_TAG.decode() in doc
        (code,) = re.findall(r"```python\n(.*?)```", doc, re.S)
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(code, {})  # the doc's own snippet
        assert printed.getvalue().strip() == digest.hex()

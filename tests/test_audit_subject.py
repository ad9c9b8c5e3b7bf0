"""One person's history, portable: a volunteer asks for everything recorded about them (or
disputes their hours) and gets a folder whose every event an outsider checks offline."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from civicvol import CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.audit.history import aggregate_history
from civicvol.cli import cli
from civicvol.domain.point_account import point_account_id
from tests.conftest import ADMIN
from tests.world import World, build_world


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def signed_store(tmp_path: Path) -> Iterator[tuple[str, World, Path, Path]]:
    """A store where the barber served two orders, with a checkpoint signed by the key."""
    url = f"sqlite:///{tmp_path / 's.db'}"
    app = CivicVol(url)
    world = build_world(app)
    world.completed_order("2")
    world.completed_order("1.5")
    key, checkpoint = tmp_path / "auditor", tmp_path / "cp.json"
    assert run("audit", "keygen", "--out", str(key)).exit_code == 0
    assert run("--store", url, "audit", "checkpoint", "--key", str(key), "--out",
               str(checkpoint)).exit_code == 0
    yield url, world, key, checkpoint
    app.close()


def export(url: str, who: str, out: Path, checkpoint: Path) -> Result:
    return run("--store", url, "audit", "export-subject", who, str(out), "--checkpoint",
               str(checkpoint))


class TestExportingOnePerson:
    def test_everything_about_the_barber_each_event_proved(
            self, signed_store: tuple[str, World, Path, Path], tmp_path: Path) -> None:
        url, world, key, checkpoint = signed_store
        out = tmp_path / "李师傅"
        made = export(url, str(world.barber), out, checkpoint)
        assert made.exit_code == 0, made.output
        subject = json.loads((out / "subject.json").read_text(encoding="utf-8"))
        assert subject["personal_data"]["name"] == "李师傅"  # for the person themself
        assert subject["personal_data"]["phone"] == "13800138000"
        assert subject["service_hours"] == "3.5"
        records = {r["record"]: r for r in subject["records"]}
        assert str(world.barber) in records
        assert str(point_account_id(world.barber)) in records
        why = sorted(r["why"] for r in subject["records"])
        assert why.count("an order the volunteer served") == 2
        assert any(w.startswith("membership of team") for w in why)
        # Every event of every record, no more, each with its proof file.
        expected = sum(len(aggregate_history(world.app, r)) for r in records)
        assert len(subject["positions"]) == expected
        assert sorted(int(p.stem) for p in (out / "proofs").iterdir()) == subject["positions"]
        checked = run("audit", "check-subject", str(out), "--public-key", f"{key}.pub")
        assert checked.exit_code == 0, checked.output
        assert "every event of the export" in checked.output
        # One proof alone also checks with the ordinary proof command.
        one = out / "proofs" / f"{subject['positions'][0]}.json"
        alone = run("audit", "check-proof", str(one), "--checkpoint",
                    str(out / "checkpoint.json"), "--public-key", f"{key}.pub")
        assert alone.exit_code == 0, alone.output

    def test_an_erased_volunteer_still_has_a_checkable_history(
            self, signed_store: tuple[str, World, Path, Path], tmp_path: Path) -> None:
        url, world, key, _ = signed_store
        erase_volunteer(world.app, ADMIN, world.barber, "本人申请")
        after = tmp_path / "cp-after.json"
        assert run("--store", url, "audit", "checkpoint", "--key", str(key), "--out",
                   str(after)).exit_code == 0
        out = tmp_path / "erased"
        assert export(url, str(world.barber), out, after).exit_code == 0
        subject = json.loads((out / "subject.json").read_text(encoding="utf-8"))
        assert subject["personal_data"]["erased"] is True
        assert subject["personal_data"]["name"] is None
        assert "李师傅" not in (out / "subject.json").read_text(encoding="utf-8")
        assert run("audit", "check-subject", str(out), "--public-key",
                   f"{key}.pub").exit_code == 0


class TestAnExportThatWasChanged:
    @pytest.fixture
    def exported(self, signed_store: tuple[str, World, Path, Path], tmp_path: Path
                 ) -> tuple[Path, Path, list[int]]:
        url, world, key, checkpoint = signed_store
        out = tmp_path / "export"
        assert export(url, str(world.barber), out, checkpoint).exit_code == 0
        positions = json.loads((out / "subject.json").read_text())["positions"]
        return out, key, positions

    def check(self, out: Path, key: Path) -> Result:
        return run("audit", "check-subject", str(out), "--public-key", f"{key}.pub")

    def test_a_changed_event_is_named_by_its_position(
            self, exported: tuple[Path, Path, list[int]]) -> None:
        out, key, positions = exported
        path = out / "proofs" / f"{positions[-1]}.json"
        proof = json.loads(path.read_text())
        proof["event"]["state"] = proof["event"]["state"][:-4] + "AAAA"
        path.write_text(json.dumps(proof))
        refused = self.check(out, key)
        assert refused.exit_code == 1 and f"position {positions[-1]}:" in refused.output

    def test_a_missing_proof_or_another_events_proof_is_refused(
            self, exported: tuple[Path, Path, list[int]]) -> None:
        out, key, positions = exported
        first, second = (out / "proofs" / f"{p}.json" for p in positions[:2])
        shutil.copy(second, first)  # a valid proof, of another event
        (out / "proofs" / f"{positions[-1]}.json").unlink()
        refused = self.check(out, key)
        assert refused.exit_code == 1
        assert f"position {positions[0]}: the proof is of another event" in refused.output
        assert f"position {positions[-1]}: no proof" in refused.output

    def test_an_attackers_key_proves_nothing(
            self, exported: tuple[Path, Path, list[int]], tmp_path: Path) -> None:
        out, _, _ = exported
        theirs = tmp_path / "theirs"
        assert run("audit", "keygen", "--out", str(theirs)).exit_code == 0
        refused = self.check(out, theirs)
        assert refused.exit_code == 1 and "bad-signature" in refused.output


class TestRefusals:
    def test_bad_requests_are_refused_and_write_nothing(
            self, signed_store: tuple[str, World, Path, Path], tmp_path: Path) -> None:
        url, world, _, checkpoint = signed_store
        unknown = export(url, "5b0e3a0c-1d6b-4f7e-9a59-3f1f0f0b7a11", tmp_path / "a",
                         checkpoint)
        assert unknown.exit_code == 3 and "no volunteer" in unknown.output
        assert not (tmp_path / "a").exists()
        (tmp_path / "taken").mkdir()
        taken = export(url, str(world.barber), tmp_path / "taken", checkpoint)
        assert taken.exit_code != 0 and "exists already" in taken.output
        other = CivicVol(f"sqlite:///{tmp_path / 'other.db'}")
        their_barber = build_world(other).barber
        other.close()
        elsewhere = export(f"sqlite:///{tmp_path / 'other.db'}", str(their_barber),
                           tmp_path / "b", checkpoint)
        assert elsewhere.exit_code == 2 and "give a checkpoint taken of this store" in (
            elsewhere.output)
        assert not (tmp_path / "b").exists()
        nothing = run("audit", "check-subject", str(tmp_path), "--public-key",
                      str(checkpoint))
        assert nothing.exit_code != 0 and len(nothing.output.strip().splitlines()) == 1


VERIFIER = Path(__file__).resolve().parent.parent / "src" / "civicvol" / "audit" / "verifier.py"


def stand_alone(*args: str) -> subprocess.CompletedProcess[str]:
    """The stand-alone verifier, run as an outsider would: the file alone, no civicvol."""
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(VERIFIER.parent)!r})
        import verifier
        code = verifier.main({list(args)!r})
        assert not {{m.split(".")[0] for m in sys.modules}} & {{"civicvol", "eventsourcing"}}
        sys.exit(code)
    """)
    return subprocess.run([sys.executable, "-I", "-c", script], capture_output=True,
                          text=True, timeout=120, check=False)


class TestTheStandAloneVerifier:
    def test_it_checks_a_persons_export_and_one_proof_without_civicvol(
            self, signed_store: tuple[str, World, Path, Path], tmp_path: Path) -> None:
        url, world, key, checkpoint = signed_store
        out = tmp_path / "export"
        assert export(url, str(world.barber), out, checkpoint).exit_code == 0
        holds = stand_alone("--subject", str(out), "--public-key", f"{key}.pub")
        assert holds.returncode == 0, holds.stdout + holds.stderr
        first = sorted((out / "proofs").iterdir(), key=lambda p: int(p.stem))[0]
        one = stand_alone("--proof", str(first), "--checkpoint", str(checkpoint),
                          "--public-key", f"{key}.pub")
        assert one.returncode == 0, one.stdout + one.stderr
        proof = json.loads(first.read_text())
        proof["audit_path"] = proof["audit_path"][::-1] or ["00" * 32]
        first.write_text(json.dumps(proof))
        broken = stand_alone("--subject", str(out), "--public-key", f"{key}.pub")
        assert broken.returncode == 1 and f"position {first.stem}:" in broken.stdout
        unreadable = stand_alone("--proof", str(tmp_path), "--checkpoint", str(checkpoint),
                                 "--public-key", f"{key}.pub")
        assert unreadable.returncode == 2 and unreadable.stderr.startswith("error: cannot read")
        assert stand_alone("--proof").returncode == 2  # usage

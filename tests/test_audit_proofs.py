"""Short proofs: an auditor holding a signed tree head checks that one event is in the log,
or that a later tree head extends an earlier one, from a few kilobytes and no database."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from civicvol import CivicVol
from civicvol.audit.checkpoint import sign_checkpoint
from civicvol.audit.proofs import ProofRefused, consistency_proof, inclusion_proof
from civicvol.audit.recorders import as_chained
from civicvol.audit.verifier import Checkpoint, consistency_problem, inclusion_problem
from civicvol.cli import cli
from civicvol.store import store_name
from tests.audit_tamper import Tamperer
from tests.conftest import ADMIN
from tests.world import World, build_world

KEY = Ed25519PrivateKey.generate()


@pytest.fixture
def world(disk_url: str) -> Iterator[World]:
    app = CivicVol(disk_url)
    world = build_world(app)
    world.completed_order()
    yield world
    app.close()


def signed(app: CivicVol, key: Ed25519PrivateKey = KEY) -> Checkpoint:
    return sign_checkpoint(key, store_name(app.store_url), as_chained(app.recorder))


def prove(app: CivicVol, position: int, checkpoint: Checkpoint | None = None
          ) -> dict[str, Any]:
    return inclusion_proof(as_chained(app.recorder), store_name(app.store_url), position,
                           checkpoint)


class TestInclusion:
    def test_every_event_is_proved_in_the_signed_tree_head(self, world: World) -> None:
        head = signed(world.app)
        for position in range(1, head.event_count + 1):
            assert inclusion_problem(prove(world.app, position, head), head) == ""

    def test_a_proof_made_later_still_proves_against_the_older_head(self, world: World
                                                                     ) -> None:
        head = signed(world.app)
        world.completed_order()
        assert inclusion_problem(prove(world.app, 3, head), head) == ""
        assert "signed" in inclusion_problem(prove(world.app, 3), head)  # another size

    @pytest.mark.parametrize("field", ["originator_id", "originator_version", "topic", "state",
                                       "prev_hash", "hash", "position"])
    def test_an_altered_event_field_does_not_prove(self, world: World, field: str) -> None:
        head = signed(world.app)
        proof = prove(world.app, 4, head)
        other = prove(world.app, 6, head)["event"]
        if other[field] == proof["event"][field]:  # the same value there: change it anyway
            other[field] += 1
        proof["event"][field] = other[field]
        assert inclusion_problem(proof, head) != ""

    def test_an_altered_path_size_or_store_does_not_prove(self, world: World) -> None:
        head = signed(world.app)
        proof = prove(world.app, 4, head)
        for change in ({"audit_path": [*proof["audit_path"][:-1], "00" * 32]},
                       {"audit_path": proof["audit_path"][:-1]},
                       {"tree_size": proof["tree_size"] - 1}, {"store": "sqlite:///x.db"}):
            assert inclusion_problem({**proof, **change}, head) != "", change

    def test_a_store_rewritten_since_the_checkpoint_proves_nothing(self, world: World) -> None:
        head = signed(world.app)
        Tamperer(world.app).rewrite_from(2)
        with pytest.raises(ProofRefused, match="not the one checkpoint"):
            prove(world.app, 4, head)
        forged = prove(world.app, 4)  # made against the rewritten tree
        assert "audit path does not lead" in inclusion_problem(
            {**forged, "tree_size": head.event_count}, head)

    def test_positions_outside_the_tree_are_refused(self, world: World) -> None:
        head = signed(world.app)
        with pytest.raises(ProofRefused, match="from 1 to"):
            prove(world.app, head.event_count + 1, head)


class TestConsistency:
    def test_a_later_head_extends_an_earlier_one(self, world: World) -> None:
        old = signed(world.app)
        world.completed_order()
        new = signed(world.app)
        proof = consistency_proof(as_chained(world.app.recorder), old, new)
        assert consistency_problem(proof, old, new) == ""
        altered = {**proof, "proof": [*proof["proof"][:-1], "00" * 32]}
        assert "rewritten" in consistency_problem(altered, old, new)

    def test_a_head_of_a_rewritten_history_does_not_extend_the_old(self, world: World) -> None:
        old = signed(world.app)
        world.completed_order()
        Tamperer(world.app).rewrite_from(2)
        new = signed(world.app)
        with pytest.raises(ProofRefused):
            consistency_proof(as_chained(world.app.recorder), old, new)
        # Even a proof made by someone who kept the genuine tree would not fit the new head.
        genuine = consistency_proof(as_chained(world.app.recorder), new, new)
        assert consistency_problem({**genuine, "first_size": old.event_count}, old,
                                   new) != ""


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


class TestTheCommands:
    def test_prove_and_check_offline_with_the_pinned_key(self, tmp_path: Path) -> None:
        url = f"sqlite:///{tmp_path / 's.db'}"
        app = CivicVol(url)
        build_world(app).completed_order()
        app.close()
        key, cp, cp2 = tmp_path / "k", tmp_path / "cp.json", tmp_path / "cp2.json"
        assert run("audit", "keygen", "--out", str(key)).exit_code == 0
        assert run("--store", url, "audit", "checkpoint", "--key", str(key), "--out",
                   str(cp)).exit_code == 0
        made = run("--store", url, "audit", "prove", "7", "--checkpoint", str(cp))
        assert made.exit_code == 0, made.output
        proof = tmp_path / "p.json"
        proof.write_text(made.stdout)
        assert len(made.stdout.encode()) < 4096
        ok = run("audit", "check-proof", str(proof), "--checkpoint", str(cp), "--public-key",
                 f"{key}.pub")
        assert ok.exit_code == 0 and "proof holds" in ok.stdout
        theirs = tmp_path / "theirs"
        run("audit", "keygen", "--out", str(theirs))
        refused = run("audit", "check-proof", str(proof), "--checkpoint", str(cp),
                      "--public-key", f"{theirs}.pub")
        assert refused.exit_code == 1 and "bad-signature" in refused.stdout
        data = json.loads(made.stdout)
        data["event"]["topic"] += "Forged"
        proof.write_text(json.dumps(data))
        altered = run("audit", "check-proof", str(proof), "--checkpoint", str(cp),
                      "--public-key", f"{key}.pub")
        assert altered.exit_code == 1 and "does NOT hold" in altered.stdout
        app = CivicVol(url)
        app.create_team(ADMIN, "第二队", "special")  # the history grows past the checkpoint
        app.close()
        run("--store", url, "audit", "checkpoint", "--key", str(key), "--out", str(cp2))
        made = run("--store", url, "audit", "prove-consistency", str(cp), str(cp2))
        assert made.exit_code == 0, made.output
        proof.write_text(made.stdout)
        ok = run("audit", "check-proof", str(proof), "--checkpoint", str(cp), "--checkpoint",
                 str(cp2), "--public-key", f"{key}.pub")
        assert ok.exit_code == 0, ok.output


class TestTheWitnessLog:
    def test_it_appends_heads_that_extend_and_refuses_a_rewritten_history(
        self, tmp_path: Path
    ) -> None:
        url = f"sqlite:///{tmp_path / 's.db'}"
        app = CivicVol(url)
        world = build_world(app)
        key, log = tmp_path / "k", tmp_path / "witness.jsonl"
        assert run("audit", "keygen", "--out", str(key)).exit_code == 0

        def checkpoint(name: str) -> Result:
            return run("--store", url, "audit", "checkpoint", "--key", str(key), "--out",
                       str(tmp_path / name), "--log", str(log))

        assert checkpoint("1.json").exit_code == 0
        world.completed_order()
        assert checkpoint("2.json").exit_code == 0
        assert len(log.read_text().splitlines()) == 2
        Tamperer(app).rewrite_from(3)  # a consistent forgery of the chain and its tree
        refused = checkpoint("3.json")
        assert refused.exit_code == 1 and "not appended" in refused.stderr
        assert len(log.read_text().splitlines()) == 2
        assert not (tmp_path / "3.json").exists()
        Tamperer(app).delete_tail(5)
        Tamperer(app).rebuild_tree()
        shortened = checkpoint("4.json")
        assert shortened.exit_code == 1 and "more events" in shortened.stderr
        app.close()

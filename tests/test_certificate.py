"""志愿服务记录证明: a volunteer's certificate of hours, issued at a position of the hash
chain, and checked by anyone holding an audit bundle of the store, without the database."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from civicvol import CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.audit.bundle import export_bundle
from civicvol.audit.certificate import (
    check_certificate,
    check_certificate_offline,
    issue_certificate,
    sign_certificate,
)
from civicvol.audit.checkpoint import sign_checkpoint
from civicvol.audit.recorders import as_chained
from civicvol.cli import cli
from civicvol.store import store_name
from tests.conftest import ADMIN
from tests.stores import shared_store, store_for_cli
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    world = build_world(app)
    with app.events_dated(datetime(2023, 3, 3, 2, 0, tzinfo=UTC)):
        world.completed_order("2")
    with app.events_dated(datetime(2023, 9, 28, 2, 0, tzinfo=UTC)):
        world.completed_order("1.5")
    return world


ISSUER = Ed25519PrivateKey.generate()  # the issuing centre's signing key
ISSUER_KEY = ISSUER.public_key().public_bytes_raw()


def check(cert: dict[str, Any], bundle: Path, keys: Sequence[bytes] = ()) -> list[str]:
    """The certificate checked with the issuer's key pinned."""
    return check_certificate(cert, bundle, keys, issuer_keys=[ISSUER_KEY])


def resigned(cert: dict[str, Any]) -> dict[str, Any]:
    """The certificate, edited, signed again by its issuer: a mistaken (or dishonest) issuer."""
    return sign_certificate(ISSUER, {k: v for k, v in cert.items() if k != "signature"})


def bundle_of(app: CivicVol, folder: Path) -> Path:
    export_bundle(as_chained(app.recorder), store_name(app.store_url), folder)
    return folder


class TestCertificate:
    def test_it_states_identity_hours_services_and_the_chain_position(
            self, world: World) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        assert cert["volunteer"]["name"] == "李师傅"
        assert cert["volunteer"]["id"] == str(world.barber)
        assert cert["hours"] == "3.5"
        assert [(s["date"], s["service"], s["hours"]) for s in cert["services"]] == [
            ("2023-03-03", "理发", "2"), ("2023-09-28", "理发", "1.5")]
        position, head = as_chained(world.app.recorder).chain_head()
        assert cert["chain"]["position"] == position
        assert cert["chain"]["head_hash"] == head.hex()
        assert cert["number"].startswith("CV-") and cert["issuer"]

    def test_a_bundle_confirms_it(self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        assert check(cert, bundle_of(world.app, tmp_path / "b")) == []

    def test_a_later_bundle_still_confirms_it(self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        world.completed_order("4")  # served again after the certificate was issued
        assert check(cert, bundle_of(world.app, tmp_path / "b")) == []

    def test_inflated_hours_are_not_confirmed(self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        cert["hours"] = "35"
        cert["services"][0]["hours"] = "33.5"
        cert = resigned(cert)
        problems = check(cert, bundle_of(world.app, tmp_path / "b"))
        assert any("35 hours; the history records 3.5" in p for p in problems)
        assert any("lists services" in p for p in problems)

    def test_a_certificate_from_another_history_is_not_confirmed(
            self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        cert["chain"]["head_hash"] = "00" * 32
        cert = resigned(cert)
        problems = check(cert, bundle_of(world.app, tmp_path / "b"))
        assert problems and "not the certificate's" in problems[0]

    def test_an_older_bundle_cannot_confirm_it(self, world: World, tmp_path: Path) -> None:
        bundle = bundle_of(world.app, tmp_path / "b")
        world.completed_order("1")
        cert = issue_certificate(world.app, world.barber, ISSUER)
        assert "ends before position" in check(cert, bundle)[0]

    def test_an_erased_volunteer_is_still_certified_by_id(self, world: World,
                                                          tmp_path: Path) -> None:
        erase_volunteer(world.app, ADMIN, world.barber, "本人申请")
        cert = issue_certificate(world.app, world.barber, ISSUER)
        assert cert["volunteer"]["name"] == "[erased]" and cert["hours"] == "3.5"
        assert check(cert, bundle_of(world.app, tmp_path / "b")) == []

    @shared_store
    def test_the_cli_writes_both_forms_and_checks_them(self, world: World,
                                                       tmp_path: Path) -> None:
        url, runner = store_for_cli(world.app), CliRunner()
        key = tmp_path / "issuer.key"
        assert runner.invoke(cli, ["audit", "keygen", "--out", str(key)]).exit_code == 0
        made = runner.invoke(cli, ["--store", url, "certificate", str(world.barber),
                                   "--key", str(key), "--out", str(tmp_path / "cert")])
        assert made.exit_code == 0, made.output
        markdown = (tmp_path / "cert.md").read_text(encoding="utf-8")
        assert "志愿服务记录证明" in markdown and "3.5 hours" in markdown
        data = json.loads((tmp_path / "cert.json").read_text(encoding="utf-8"))
        assert data["hours"] == "3.5"
        bundle = bundle_of(world.app, tmp_path / "bundle")
        ok = runner.invoke(cli, ["--store", url, "audit", "check-certificate",
                                 str(tmp_path / "cert.json"), "--bundle", str(bundle),
                                 "--issuer-key", f"{key}.pub"])
        assert ok.exit_code == 0 and "confirmed: 3.5 hours in 2 services" in ok.output
        offline = runner.invoke(cli, ["audit", "check-certificate", str(tmp_path / "cert.json"),
                                      "--issuer-key", f"{key}.pub"])
        assert offline.exit_code == 0 and "confirmed: 3.5 hours" in offline.output
        data["hours"] = "10"
        (tmp_path / "forged.json").write_text(json.dumps(data), encoding="utf-8")
        forged = runner.invoke(cli, ["--store", url, "audit", "check-certificate",
                                     str(tmp_path / "forged.json"), "--bundle", str(bundle),
                                     "--issuer-key", f"{key}.pub"])
        assert forged.exit_code == 1 and "NOT CONFIRMED: field hours was changed" in \
            forged.output


PRINTED_FIELDS = [
    ("number", "CV-20990101-FORGED0000"), ("issuer", "某某中心"), ("issued_on", "2099-01-01"),
    ("title", "证明"), ("hours", "7"), ("volunteer.name", "张三"),
    ("volunteer.community", "别的社区"), ("volunteer.registered_on", "2020-01-01"),
    ("volunteer.id", "00000000-0000-0000-0000-000000000000"),
    ("services.0.date", "2023-03-04"), ("services.1.service", "送餐"),
    ("services.0.place", "别处"), ("services.1.order_id", "x"), ("services.0.hours", "9"),
    ("services.0.position", 1), ("chain.position", 3), ("chain.head_hash", "00" * 32),
    ("chain.store", "sqlite:///other.db"),
]


class TestSignedFields:
    @pytest.mark.parametrize(("field", "value"), PRINTED_FIELDS)
    def test_a_changed_field_is_refused_by_name(self, world: World, tmp_path: Path,
                                                field: str, value: object) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        bundle = bundle_of(world.app, tmp_path / "b")
        *parents, last = field.split(".")
        target: Any = cert
        for name in parents:
            target = target[int(name)] if name.isdigit() else target[name]
        assert target[last] != value
        target[last] = value
        problems = check(cert, bundle)
        assert problems and problems[0].startswith(f"field {field} was changed"), problems

    def test_a_service_removed_or_added_is_named(self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        bundle = bundle_of(world.app, tmp_path / "b")
        cert["services"].pop()
        assert check(cert, bundle)[0].startswith("field services.1.date was changed")

    def test_another_issuers_signature_is_refused(self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, Ed25519PrivateKey.generate())
        bundle = bundle_of(world.app, tmp_path / "b")
        assert "not one of the pinned issuer keys" in check(cert, bundle)[0]
        assert "no issuer key is pinned" in check_certificate(cert, bundle)[0]
        assert check_certificate(cert, bundle, trust_embedded=True) == []

    def test_a_signature_that_does_not_verify_is_refused(self, world: World,
                                                         tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        cert["signature"]["statement"] = cert["signature"]["statement"].replace("3.5", "35")
        assert "does not verify" in check(cert, bundle_of(world.app, tmp_path / "b"))[0]


class TestPinnedKeys:
    def test_a_bundle_with_an_attackers_checkpoint_does_not_confirm_it(
            self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        ours, theirs = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
        forged = sign_checkpoint(theirs, store_name(world.app.store_url),
                                 as_chained(world.app.recorder))
        bundle = tmp_path / "b"
        export_bundle(as_chained(world.app.recorder), store_name(world.app.store_url), bundle,
                      [forged])
        pinned = ours.public_key().public_bytes_raw()
        problems = check(cert, bundle, [pinned])
        assert problems and "bad-signature" in problems[0]
        assert "no public key is pinned" in check(cert, bundle)[0]
        assert check(cert, bundle, [forged.public_key]) == []


class TestUnreadableFiles:
    def test_a_file_that_is_not_a_certificate_exits_2(self, tmp_path: Path) -> None:
        (tmp_path / "x.json").write_text("{}", encoding="utf-8")
        outcome = CliRunner().invoke(cli, ["audit", "check-certificate",
                                           str(tmp_path / "x.json"), "--bundle",
                                           str(tmp_path)])
        assert outcome.exit_code == 2 and "not a civicvol service certificate" in outcome.output

    def test_a_folder_that_is_not_a_bundle_exits_2(self, world: World, tmp_path: Path) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        (tmp_path / "c.json").write_text(json.dumps(cert), encoding="utf-8")
        outcome = CliRunner().invoke(cli, ["audit", "check-certificate",
                                           str(tmp_path / "c.json"), "--bundle",
                                           str(tmp_path / "nothing")])
        assert outcome.exit_code == 2 and "cannot read audit bundle" in outcome.output


class TestOfflineProofs:
    def test_the_certificate_alone_confirms_its_services(self, world: World) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        world.completed_order("4")  # stored after issuing: the tree head is the issue's
        assert len(cert["proofs"]) == 2
        assert check_certificate_offline(cert, [ISSUER_KEY]) == []
        assert len(json.dumps(cert["proofs"][0])) < 4096

    def test_a_proof_altered_or_swapped_is_refused(self, world: World) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        altered = json.loads(json.dumps(cert))
        altered["proofs"][0]["audit_path"][0] = "00" * 32
        assert "audit path does not lead" in check_certificate_offline(
            altered, [ISSUER_KEY])[0]
        swapped = json.loads(json.dumps(cert))
        swapped["proofs"].reverse()
        assert "another event" in check_certificate_offline(swapped, [ISSUER_KEY])[0]

    def test_a_tree_head_not_signed_by_the_issuer_is_refused(self, world: World) -> None:
        cert = issue_certificate(world.app, world.barber, ISSUER)
        other = issue_certificate(world.app, world.barber, Ed25519PrivateKey.generate())
        cert["tree_head"] = other["tree_head"]
        assert "not signed by its issuer" in check_certificate_offline(cert, [ISSUER_KEY])[0]
        assert "no issuer key is pinned" in check_certificate_offline(cert)[0]

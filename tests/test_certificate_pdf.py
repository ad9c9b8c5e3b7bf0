"""civicvol certificate --pdf: the signed 志愿服务记录证明 on A4, in Chinese with an embedded
CJK font and a QR code. The PDF is read back as a person and a scanner would: its text by
pdftotext, its image by pdftoppm, the QR decoded by zxing-cpp and checked with
``civicvol audit check-qr``."""

from __future__ import annotations

import hashlib
import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from civicvol import CivicVol
from civicvol.audit.certificate import certificate_statement
from civicvol.cli import cli
from tests.conftest import ADMIN
from tests.world import build_world

NATIONAL_NUMBER = "53010200000001"


def civicvol(*args: str) -> Result:
    return CliRunner(env={"CIVICVOL_LANG": "en"}).invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A barber with two services, the issuer's key, and the certificate written as PDF."""
    folder = tmp_path_factory.mktemp("certificate")
    store = f"sqlite:///{folder / 'district.db'}"
    app = CivicVol(store)
    world = build_world(app)
    with app.events_dated(datetime(2023, 3, 3, 2, 0, tzinfo=UTC)):
        world.completed_order("2")
    with app.events_dated(datetime(2023, 9, 28, 2, 0, tzinfo=UTC)):
        world.completed_order("1.5")
    app.record_national_number(ADMIN, world.barber, NATIONAL_NUMBER)
    app.close()
    key = folder / "issuer"
    assert civicvol("--store", store, "audit", "keygen", "--out", str(key)).exit_code == 0
    pdf = folder / "cert.pdf"
    result = civicvol("--store", store, "certificate", str(world.barber), "--key", str(key),
                      "--pdf", str(pdf))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(pdf)
    yield {"store": store, "barber": str(world.barber), "key": key, "pdf": pdf,
           "helper": str(world.helper),
           "json": folder / "cert.json", "folder": folder}


def run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True,
                          timeout=120).stdout


@pytest.fixture(scope="module")
def scanned(issued: dict[str, Any]) -> str:
    """The QR's text, as a scanner reads it off the page's image (150 dpi)."""
    import zxingcpp
    from PIL import Image

    stem = issued["folder"] / "page"
    run("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", str(issued["pdf"]), str(stem))
    found = zxingcpp.read_barcodes(Image.open(f"{stem}-1.png"))
    assert [code.format.name for code in found] == ["QRCode"]
    return str(found[0].text)


class TestThePaper:
    def test_it_states_every_field_in_chinese(self, issued: dict[str, Any]) -> None:
        cert = json.loads(issued["json"].read_text(encoding="utf-8"))
        text = run("pdftotext", "-layout", str(issued["pdf"]), "-")
        for field in ("志愿服务记录证明", "证明编号", cert["number"], "姓名", "李师傅",
                      "志愿者ID", issued["barber"], "所属社区", "东庄社区", "注册日期",
                      cert["volunteer"]["registered_on"], "累计服务时长：3.5 小时",
                      "出具单位", cert["issuer"], "出具日期", cert["issued_on"], "（盖章）",
                      "民发〔2015〕149号", "参加志愿服务 2 次"):
            assert field in text, field
        # Each service's row: its date, content, place and hours on one line.
        rows = {line.split()[0]: line.split() for line in text.splitlines()
                if line.strip()[:2] == "20"}
        assert [(s["date"], s["service"], s["hours"]) for s in cert["services"]] == [
            ("2023-03-03", "理发", "2"), ("2023-09-28", "理发", "1.5")]
        for service in cert["services"]:
            row = rows[service["date"]]
            assert service["service"] in row and service["hours"] in row
            assert service["order_id"][:8] in text

    def test_it_states_the_national_volunteer_number_unmistakably(
            self, issued: dict[str, Any]) -> None:
        cert = json.loads(issued["json"].read_text(encoding="utf-8"))
        assert cert["volunteer"]["national_number"] == NATIONAL_NUMBER  # signed with the rest
        lines = run("pdftotext", "-layout", str(issued["pdf"]), "-").splitlines()
        [line] = [line for line in lines if "全国志愿者编号" in line]
        assert NATIONAL_NUMBER in line
        [own] = [line for line in lines if "志愿者ID" in line]
        assert issued["barber"] in own and "全国" not in own

    def test_a_person_without_a_national_number_has_no_such_line(
            self, issued: dict[str, Any]) -> None:
        pdf = issued["folder"] / "helper.pdf"
        result = civicvol("--store", issued["store"], "certificate", issued["helper"],
                          "--key", str(issued["key"]), "--pdf", str(pdf))
        assert result.exit_code == 0, result.output
        text = run("pdftotext", "-layout", str(pdf), "-")
        assert "志愿者ID" in text and issued["helper"] in text
        assert "全国志愿者编号" not in text

    def test_it_is_a4_with_the_cjk_font_embedded(self, issued: dict[str, Any]) -> None:
        assert "(A4)" in run("pdfinfo", str(issued["pdf"]))
        fonts = run("pdffonts", str(issued["pdf"])).splitlines()[2:]
        assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # emb column
        assert any("CID" in line for line in fonts)

    def test_the_qr_is_the_certificates(self, issued: dict[str, Any], scanned: str) -> None:
        cert = json.loads(issued["json"].read_text(encoding="utf-8"))
        payload = json.loads(scanned)
        assert payload["number"] == cert["number"]
        assert payload["statement_sha256"] == hashlib.sha256(
            certificate_statement(cert)).hexdigest()
        assert (payload["position"], payload["head_hash"], payload["tree_root"]) == (
            cert["chain"]["position"], cert["chain"]["head_hash"],
            cert["tree_head"]["tree_root"])
        assert payload["hours"] == "3.5" and payload["volunteer"] == issued["barber"]


class TestCheckingTheQr:
    def check(self, issued: dict[str, Any], qr: str, *more: str) -> Result:
        return civicvol("audit", "check-qr", qr, "--issuer-key", f"{issued['key']}.pub",
                        *more)

    def test_the_scanned_qr_and_its_certificate_are_confirmed(
            self, issued: dict[str, Any], scanned: str) -> None:
        alone = self.check(issued, scanned)
        assert alone.exit_code == 0 and "3.5 hours" in alone.stdout
        with_cert = self.check(issued, scanned, "--certificate", str(issued["json"]))
        assert with_cert.exit_code == 0, with_cert.output
        assert "certificate's proofs" in with_cert.stdout

    def test_a_changed_qr_is_not_confirmed(self, issued: dict[str, Any], scanned: str
                                           ) -> None:
        forged = scanned.replace('"hours":"3.5"', '"hours":"35"')
        assert forged != scanned
        result = self.check(issued, forged)
        assert result.exit_code == 1 and "NOT CONFIRMED" in result.stdout

    def test_the_qr_of_another_certificate_is_not_confirmed(
            self, issued: dict[str, Any], scanned: str, tmp_path: Path) -> None:
        other = tmp_path / "other.pdf"
        assert civicvol("--store", issued["store"], "certificate", issued["barber"], "--key",
                        str(issued["key"]), "--pdf", str(other)).exit_code == 0
        cert = json.loads(other.with_suffix(".json").read_text(encoding="utf-8"))
        cert_file = tmp_path / "edited.json"
        cert["number"] = "CV-00000000-FORGED"  # not what was signed
        cert_file.write_text(json.dumps(cert, ensure_ascii=False), encoding="utf-8")
        result = self.check(issued, scanned, "--certificate", str(cert_file))
        assert result.exit_code == 1 and "not this certificate's" in result.stdout

    def test_another_issuers_key_is_not_trusted(self, issued: dict[str, Any], scanned: str,
                                                tmp_path: Path) -> None:
        stranger = tmp_path / "stranger"
        assert civicvol("audit", "keygen", "--out", str(stranger)).exit_code == 0
        result = civicvol("audit", "check-qr", scanned, "--issuer-key", f"{stranger}.pub")
        assert result.exit_code == 1 and "not one of the pinned" in result.stdout

    def test_text_that_is_no_qr_payload_is_refused(self, issued: dict[str, Any]) -> None:
        result = self.check(issued, "https://example.org/not-a-certificate")
        assert result.exit_code == 2 and "not the QR code" in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


class TestRefusals:
    def test_a_pdf_into_a_missing_folder_writes_nothing(self, issued: dict[str, Any],
                                                        tmp_path: Path) -> None:
        target = tmp_path / "absent" / "cert.pdf"
        result = civicvol("--store", issued["store"], "certificate", issued["barber"],
                          "--key", str(issued["key"]), "--pdf", str(target))
        assert result.exit_code == 2 and "does not exist" in result.stderr
        assert not target.parent.exists()

    def test_pdf_and_out_together_are_refused(self, issued: dict[str, Any],
                                              tmp_path: Path) -> None:
        result = civicvol("--store", issued["store"], "certificate", issued["barber"],
                          "--key", str(issued["key"]), "--pdf", str(tmp_path / "a.pdf"),
                          "--out", str(tmp_path / "a"))
        assert result.exit_code == 2 and "not both" in result.stderr
        assert list(tmp_path.iterdir()) == []

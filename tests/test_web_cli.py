"""civicvol account ... and civicvol serve, as the operator uses them: the first
administrator's account on a fresh store, its token shown once and working over HTTP, revoked
and rotated tokens refused; ``serve`` runs the real server process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner, Result

from civicvol.cli import cli


def civicvol(store: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--store", store, *args], catch_exceptions=False)


@pytest.fixture
def store(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'civicvol.db'}"


def test_the_first_administrator_gets_a_token_once_and_only_its_hash_is_kept(
        store: str, tmp_path: Path) -> None:
    made = civicvol(store, "account", "create", "--role", "administrator", "--name", "区管理员")
    assert made.exit_code == 0, made.output
    token = made.stdout.strip().splitlines()[-1]
    assert token.startswith("cv_") and "shown only once" in made.stderr
    assert token.encode() not in (tmp_path / "civicvol.db").read_bytes()
    listed = json.loads(civicvol(store, "account", "list", "--json").stdout)
    assert [(a["role"], a["name"]) for a in listed] == [("administrator", "区管理员")]
    assert "token" not in listed[0] and listed[0]["actor"] == f"administrator:{listed[0]['id']}"
    table = civicvol(store, "account", "list").stdout
    assert "区管理员" in table


def test_a_volunteer_account_needs_the_volunteer_and_bad_roles_are_refused(store: str) -> None:
    missing = civicvol(store, "account", "create", "--role", "volunteer", "--name", "李师傅")
    assert missing.exit_code == 2 and "--volunteer" in missing.stderr
    nameless = civicvol(store, "account", "create", "--role", "dispatcher")
    assert nameless.exit_code == 2 and "--name" in nameless.stderr
    unknown = civicvol(store, "account", "create", "--role", "emperor", "--name", "x")
    assert unknown.exit_code == 2 and "not a role" in unknown.stderr
    system = civicvol(store, "account", "create", "--role", "system", "--name", "x")
    assert system.exit_code == 4
    nobody = civicvol(store, "account", "create", "--role", "volunteer", "--name", "x",
                      "--volunteer", "3f2b9c1e-0000-4000-8000-000000000000")
    assert nobody.exit_code == 3
    assert json.loads(civicvol(store, "account", "list", "--json").stdout) == []


def test_revoke_and_rotate_name_the_account_and_refuse_unknown_ones(store: str) -> None:
    made = json.loads(civicvol(store, "account", "create", "--role", "dispatcher", "--name",
                               "王调度", "--json").stdout)
    rotated = civicvol(store, "account", "rotate", made["id"])
    assert rotated.exit_code == 0 and rotated.stdout.strip() != made["token"]
    assert civicvol(store, "account", "revoke", made["id"]).exit_code == 0
    again = civicvol(store, "account", "rotate", made["id"])
    assert again.exit_code == 2 and "revoked" in again.stderr
    unknown = civicvol(store, "account", "revoke", "acct-nobody")
    assert unknown.exit_code == 3 and "account list" in unknown.stderr


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.slow
def test_serve_runs_the_service_for_the_accounts_of_the_store(store: str) -> None:
    made = json.loads(civicvol(store, "account", "create", "--role", "dispatcher", "--name",
                               "王调度", "--json").stdout)
    port = free_port()
    server = subprocess.Popen(
        [str(Path(sys.executable).with_name("civicvol")), "--store", store, "serve",
         "--port", str(port)],
        env={**os.environ, "CIVICVOL_PLUGINS": ""}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE)
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{url}/openapi.json", timeout=2)
                break
            except httpx.TransportError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "civicvol serve did not answer in 30 s"
                time.sleep(0.2)
        queue = httpx.get(f"{url}/api/v1/orders/queue",
                          headers={"Authorization": f"Bearer {made['token']}"})
        anonymous = httpx.get(f"{url}/api/v1/orders/queue")
        assert queue.status_code == 200 and queue.json()["items"] == []
        assert anonymous.status_code == 401
    finally:
        server.terminate()
        server.wait(15)


def test_serve_refuses_a_store_that_keeps_nothing() -> None:
    refused = CliRunner().invoke(cli, ["--store", "memory://", "serve"])
    assert refused.exit_code == 7 and "memory://" in refused.stderr

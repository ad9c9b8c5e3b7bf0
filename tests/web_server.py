"""A real web service for the web tests: uvicorn on 127.0.0.1 on a free port, in a thread,
over a SQLite store in a temporary folder; clients speak real HTTP (httpx).

``start_server`` is bounded (it fails after 20 s rather than hang); the session's server is
started once per test process (:func:`session_server`), whichever module asks first.
"""

from __future__ import annotations

import socket
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import attrs
import httpx

from civicvol import CivicVol
from civicvol.web import create_app
from civicvol.web.accounts import Accounts


@attrs.define
class Server:
    url: str
    civic: CivicVol
    stop: Any

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=30)

    def account(self, role: str, name: str, volunteer: str | None = None) -> tuple[str, str]:
        """A new account's (id, token), made as the operator makes it (the CLI's code)."""
        made, token = Accounts(self.civic).create(role, name, volunteer)
        return made.id, token

    def events(self) -> int:
        return self.civic.event_count()


def start_server(store: str, **options: Any) -> Server:
    import uvicorn

    app = create_app(store, **options)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web service did not start within 20 s")
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(15)
        sock.close()

    return Server(f"http://127.0.0.1:{port}", app.state.civic, stop)


_session: list[Server] = []


def session_server() -> Server:
    if not _session:
        folder = Path(tempfile.mkdtemp(prefix="civicvol-web-"))
        _session.append(start_server(f"sqlite:///{folder / 'civicvol.db'}",
                                     write_rate=200.0, write_burst=400))
    return _session[0]


def stop_session_server() -> None:
    while _session:
        _session.pop().stop()


@attrs.define
class District:
    """A small district built through the API: tokens by role, a team with a barber."""

    server: Server
    tokens: dict[str, str]
    team: str
    other_team: str
    barber: str
    outsider: str

    def client(self, role: str) -> httpx.Client:
        return self.server.client(self.tokens[role])


_districts: dict[str, District] = {}


def build_district(server: Server) -> District:
    """The district of ``server``, built on first use (its people have unique phones)."""
    if server.url not in _districts:
        _districts[server.url] = _build(server)
    return _districts[server.url]


def _build(server: Server) -> District:
    tokens = {role: server.account(role, f"{role} 1")[1]
              for role in ("administrator", "dispatcher", "resident", "points-auditor")}
    with server.client(tokens["administrator"]) as admin:
        def made(path: str, body: dict[str, Any]) -> str:
            reply = admin.post(path, json=body)
            assert reply.status_code == 201, reply.text
            return str(reply.json()["id"])

        team = made("/api/v1/teams", {"name": "学雷锋志愿理发队", "kind": "special",
                                      "community": "东庄社区"})
        other = made("/api/v1/teams", {"name": "安全小红帽", "kind": "special",
                                       "community": "金星社区"})
        barber = made("/api/v1/volunteers", {"name": "李师傅", "phone": "13800138000",
                                             "community": "东庄社区", "skills": ["理发"]})
        outsider = made("/api/v1/volunteers", {"name": "赵骑手", "phone": "13700137000",
                                               "community": "金星社区"})
        for t, v in ((team, barber), (other, outsider)):
            assert admin.post(f"/api/v1/teams/{t}/members",
                              json={"volunteer_id": v}).status_code == 200
    tokens["barber"] = server.account("volunteer", "李师傅", barber)[1]
    tokens["outsider"] = server.account("volunteer", "赵骑手", outsider)[1]
    return District(server, tokens, team, other, barber, outsider)



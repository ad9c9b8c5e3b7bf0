"""The web service under load, against the same commands through the Python API.

N concurrent clients for S seconds, each over real HTTP to ``civicvol serve`` (uvicorn, in
its own process): a resident places an order, the dispatcher dispatches it, a volunteer of
the team accepts it. Then the same cycle for S seconds through :class:`civicvol.CivicVol`
in this process, on a fresh store of the same kind. Prints requests/s of each side and the
ratio web / Python API (goal ≥ 0.5), and checks: no 5xx, every 201's order is in the log,
the hash chain verifies.

    .venv/bin/python benchmarks/web.py [--clients 8] [--seconds 60] [--store sqlite|postgres]
                                       [--workers 1] [--volunteers 8]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

import httpx

from civicvol import Actor, CivicVol
from civicvol.audit.recorders import as_chained
from civicvol.audit.store_verification import verify_store
from civicvol.web.accounts import Accounts

ADMIN = Actor("administrator", "bench")
PG_URL = "postgresql://postgres@127.0.0.1:5432/test"


def new_store(kind: str, folder: Path) -> str:
    if kind == "sqlite":
        return f"sqlite:///{folder / f'{uuid.uuid4().hex[:8]}.db'}"
    return f"{PG_URL}?schema=bench_web_{uuid.uuid4().hex[:10]}"


def build(store: str, volunteers: int) -> tuple[CivicVol, str, list[str]]:
    app = CivicVol(store)
    vids = [str(app.register_volunteer(ADMIN, f"志愿者{i}", f"138{i:08d}", "东庄社区"))
            for i in range(volunteers)]
    team = str(app.create_team(ADMIN, "学雷锋志愿理发队", "special", community="东庄社区"))
    for vid in vids:
        app.join_team(ADMIN, team, vid)
    return app, team, vids


def python_side(store: str, seconds: float, volunteers: int) -> tuple[int, float]:
    """The cycle through the Python API, one command after another: commands made, seconds."""
    app, team, vids = build(store, volunteers)
    dispatcher = Actor("dispatcher", "bench")
    commands, n = 0, 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        order = app.place_order(Actor("resident", f"r-{n}"), "理发", place="东庄社区 3 栋")
        app.dispatch_order(dispatcher, order, team)
        app.accept_order(Actor("volunteer", vids[n % len(vids)]), order)
        commands, n = commands + 3, n + 1
    elapsed = time.perf_counter() - start
    app.close()
    return commands, elapsed


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(store: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    civicvol = str(Path(sys.executable).with_name("civicvol"))
    server = subprocess.Popen(
        [civicvol, "--store", store, "serve", "--port", str(port), "--workers", str(workers),
         "--write-rate", "100000"], env={**os.environ, "CIVICVOL_PLUGINS": ""})
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            httpx.get(f"{url}/openapi.json", timeout=2)
            return server, url
        except httpx.TransportError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise SystemExit("civicvol serve did not start") from None
            time.sleep(0.2)


def web_side(store: str, clients: int, seconds: float, volunteers: int, workers: int
             ) -> tuple[Counter[int], list[str], float]:
    app, team, vids = build(store, volunteers)
    accounts = Accounts(app)
    dispatcher = accounts.create("dispatcher", "调度")[1]
    residents = [accounts.create("resident", f"居民{i}")[1] for i in range(clients)]
    helpers = [accounts.create("volunteer", f"志愿者{i}", v)[1] for i, v in enumerate(vids)]
    app.close()
    server, url = serve(store, workers)
    statuses: Counter[int] = Counter()
    created: list[str] = []
    lock = threading.Lock()
    start = time.perf_counter()
    deadline = start + seconds

    def client(i: int) -> None:
        def auth(token: str) -> dict[str, str]:
            return {"Authorization": f"Bearer {token}"}

        mine: Counter[int] = Counter()
        ids: list[str] = []
        n = 0
        with httpx.Client(base_url=url, timeout=60) as http:
            while time.perf_counter() < deadline:
                placed = http.post("/api/v1/orders", headers=auth(residents[i]),
                                   json={"service": "理发", "place": "东庄社区 3 栋"})
                mine[placed.status_code] += 1
                if placed.status_code != 201:
                    continue
                order = placed.json()["id"]
                ids.append(order)
                for path, token, body in (
                        (f"/api/v1/orders/{order}/dispatch", dispatcher, {"team_id": team}),
                        (f"/api/v1/orders/{order}/accept",
                         helpers[(i + n) % len(helpers)], None)):
                    mine[http.post(path, headers=auth(token), json=body).status_code] += 1
                n += 1
        with lock:
            statuses.update(mine)
            created.extend(ids)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    server.terminate()
    server.wait(30)
    return statuses, created, elapsed


def drop_schemas(*stores: str) -> None:
    import psycopg

    with psycopg.connect(PG_URL, autocommit=True) as conn:
        for store in stores:
            conn.execute(f'DROP SCHEMA IF EXISTS "{store.split("schema=")[1]}" CASCADE')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--store", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--volunteers", type=int, default=8)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        web_store = new_store(args.store, Path(folder))
        statuses, created, web_time = web_side(web_store, args.clients, args.seconds,
                                               args.volunteers, args.workers)
        api_store = new_store(args.store, Path(folder))
        api_commands, api_time = python_side(api_store, args.seconds, args.volunteers)
        check = CivicVol(web_store)
        lost = [o for o in created if check.views.orders.get(o) is None]
        intact = verify_store(as_chained(check.recorder)).intact
        check.close()
        if args.store == "postgres":
            drop_schemas(web_store, api_store)
    requests = sum(statuses.values())
    web_rate, api_rate = requests / web_time, api_commands / api_time
    errors = sum(n for code, n in statuses.items() if code >= 500)
    print(json.dumps({
        "store": args.store, "clients": args.clients, "seconds": args.seconds,
        "workers": args.workers, "web requests": requests,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "web requests/s": round(web_rate, 1), "python API commands/s": round(api_rate, 1),
        "server errors": errors, "orders created (201)": len(created), "lost orders": len(lost),
        "chain verifies": intact}, ensure_ascii=False, indent=2))
    print(f"throughput ratio web / Python API: {web_rate / api_rate:.2f} (goal >= 0.5)")
    if errors or lost or not intact:
        raise SystemExit("the web service lost orders, failed requests or broke the chain")


if __name__ == "__main__":
    main()

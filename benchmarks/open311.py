"""Open311 POST requests over real HTTP against the same orders placed through the Python API,
in one run.

    .venv/bin/python benchmarks/open311.py [--orders 200] [--repeat 3] [--store sqlite]

Each pair builds two fresh stores with the same catalogue: one gets ``--orders`` requests
posted one after another to a uvicorn server on 127.0.0.1, in a process of its own (the
spec's example request, one httpx client, keep-alive), the other the same orders through
``app.place_order``. It prints the requests per second of each side and the ratio
web / Python API (the median of the pairs; goal >= 0.5).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import httpx

from civicvol import Actor, open_district
from civicvol.app.application import CivicVol
from civicvol.domain.service_catalogue import ServiceAttribute
from civicvol.web.open311 import PREFIX
from civicvol.web.open311.clients import Clients

ADMIN = Actor("administrator", "bench")
BODY = ("api_key={key}&service_code=001&lat=37.76524078&long=-122.4212043"
        "&address_string=1234+5th+street&account_id={n}"
        "&description=A+large+sinkhole+is+destroying+the+street&attribute[WHISPAWN]={n}")


def district(folder: Path, name: str, store: str) -> CivicVol:
    url = f"sqlite:///{folder / name}.db" if store == "sqlite" else f"{store}?schema={name}"
    app = open_district(url)
    app.add_service(ADMIN, "001", "垃圾桶占道", "Cans left out 24x7", attributes=[
        ServiceAttribute.checked("WHISPAWN", "number", "Ticket number", required=True)])
    return app


SERVE = """
import sys, warnings
warnings.simplefilter("ignore")
import uvicorn
from civicvol.web.open311 import standalone_app
uvicorn.run(standalone_app(sys.argv[1]), host="127.0.0.1", port=int(sys.argv[2]),
            log_level="warning", lifespan="off")
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def over_http(app: CivicVol, orders: int) -> float:
    """The server in a process of its own (as deployed): the client's work does not share
    its interpreter."""
    key = Clients(app).create("bench")
    port = free_port()
    server = subprocess.Popen([sys.executable, "-c", SERVE, app.store_url, str(port)])
    url = f"http://127.0.0.1:{port}{PREFIX}"
    try:
        # TCP_NODELAY: httpx writes a POST's headers and body apart, and Nagle's algorithm
        # would hold the body back until the server's delayed ACK.
        nodelay = httpx.HTTPTransport(socket_options=[(socket.IPPROTO_TCP,
                                                       socket.TCP_NODELAY, 1)])
        with httpx.Client(timeout=30, transport=nodelay) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    http.get(f"{url}/discovery.json")
                    break
                except httpx.TransportError:
                    if time.monotonic() > deadline or server.poll() is not None:
                        raise RuntimeError("the Open311 server did not start") from None
                    time.sleep(0.05)
            began = time.perf_counter()
            for n in range(orders):
                done = http.post(f"{url}/requests.json", content=BODY.format(key=key, n=n),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
                assert done.status_code == 201, done.text
            return time.perf_counter() - began
    finally:
        server.terminate()
        server.wait(timeout=20)


def through_python(app: CivicVol, orders: int) -> float:
    began = time.perf_counter()
    for n in range(orders):
        app.place_order(Actor("resident", f"bench/{n}"), "001",
                        description="A large sinkhole is destroying the street",
                        place="1234 5th street", channel="open311",
                        attributes={"WHISPAWN": str(n)}, position=(37.76524078, -122.4212043))
    return time.perf_counter() - began


def drop_schemas(store: str, *urls: str) -> None:
    """The PostgreSQL schemas this run made, dropped (a SQLite file goes with its folder)."""
    if store == "sqlite":
        return
    import psycopg

    with psycopg.connect(store, autocommit=True) as connection:
        for url in urls:
            schema = url.rsplit("schema=", 1)[1]
            connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main(argv: Any = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--store", default="sqlite", help="sqlite, or a postgresql:// URL")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    ratios, web_rates, api_rates = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for pair in range(args.repeat):
            web = district(Path(tmp), f"web{pair}_{int(time.time())}", args.store)
            api = district(Path(tmp), f"api{pair}_{int(time.time())}", args.store)
            try:
                web_seconds = over_http(web, args.orders)
                api_seconds = through_python(api, args.orders)
            finally:
                web.close()
                api.close()
                drop_schemas(args.store, web.store_url, api.store_url)
            web_rates.append(args.orders / web_seconds)
            api_rates.append(args.orders / api_seconds)
            ratios.append(api_seconds / web_seconds)
    print(f"Open311 POST over HTTP: {statistics.median(web_rates):.0f} requests/s; "
          f"Python API: {statistics.median(api_rates):.0f} orders/s "
          f"({args.orders} orders, {args.repeat} pairs, store {args.store.split(':')[0]})")
    print(f"throughput ratio web / Python API: {statistics.median(ratios):.2f} (median of "
          f"{args.repeat} pairs, range {min(ratios):.2f}-{max(ratios):.2f}; goal 0.5)")


if __name__ == "__main__":
    main()

"""What do the HTML report and the PDF certificate cost? Each against its plain yardstick in
the same run, on the same store:

- ``report --html`` (figures, chart figures, matplotlib SVG charts, the page) against the
  plain ``report`` (the district report from the views, as JSON);
- ``certificate --pdf`` (issue, QR, WeasyPrint PDF) against the plain ``certificate``
  (issue, Markdown).

A small Panlong District (``--scale``) is built once in a SQLite file; then the sides
alternate (so machine noise hits both alike), each run timed alone, after one warm-up run of
each (the first HTML page also pays for importing matplotlib and reading the CJK font: that
cold start is printed on its own). The medians and their ratios are printed.

    .venv/bin/python benchmarks/office_print.py [--scale 0.002] [--repeat 5]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from civicvol.app.views import district_report
from civicvol.audit.certificate import certificate_markdown, issue_certificate
from civicvol.bootstrap import open_district
from civicvol.demo import build_panlong


def timed(work: Callable[[], Any]) -> float:
    began = time.perf_counter()
    work()
    return time.perf_counter() - began


def cold_html_start(store: str, out: Path) -> float:
    """``civicvol report --html`` in a fresh process: imports, font, page."""
    began = time.perf_counter()
    subprocess.run([sys.executable, "-c", "from civicvol.cli import main; main()", "--store",
                    store, "report", "--html", str(out)], check=True, capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.002)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    from civicvol.office.certificate_pdf import write_certificate_pdf
    from civicvol.office.report_html import report_html

    with tempfile.TemporaryDirectory() as folder:
        store = f"sqlite:///{Path(folder) / 'panlong.db'}"
        app = open_district(store)
        build_panlong(app, scale=args.scale)
        key = Ed25519PrivateKey.generate()
        busiest = app.views.orders.rows(
            "SELECT volunteer_id, COUNT(*) FROM {view_orders} WHERE volunteer_id IS NOT NULL "
            "GROUP BY volunteer_id ORDER BY COUNT(*) DESC, volunteer_id LIMIT 1")[0]
        volunteer, services = str(busiest[0]), int(busiest[1])
        pdf = Path(folder) / "cert.pdf"
        sides: dict[str, Callable[[], Any]] = {
            "report (JSON)": lambda: json.dumps(district_report(app), default=str),
            "report --html": lambda: report_html(app),
            "certificate (Markdown)": lambda: certificate_markdown(
                issue_certificate(app, volunteer, key)),
            "certificate --pdf": lambda: write_certificate_pdf(
                issue_certificate(app, volunteer, key), key, pdf),
        }
        for work in sides.values():  # warm-up: imports, fonts, caches
            work()
        times: dict[str, list[float]] = {name: [] for name in sides}
        for _ in range(args.repeat):
            for name, work in sides.items():
                times[name].append(timed(work))
        cold = cold_html_start(store, Path(folder) / "cold.html")
        events = app.event_count()
        app.close()
    median = {name: statistics.median(t) for name, t in times.items()}
    print(f"district at scale {args.scale}: {events} events; certificate of a volunteer with "
          f"{services} services; {args.repeat} runs per side, medians")
    for name, seconds in median.items():
        print(f"  {name:<24} {seconds * 1000:8.1f} ms")
    print(f"ratio report --html / report (JSON): "
          f"{median['report --html'] / median['report (JSON)']:.1f}")
    print(f"ratio certificate --pdf / certificate (Markdown): "
          f"{median['certificate --pdf'] / median['certificate (Markdown)']:.1f}")
    print(f"cold start of civicvol report --html in a new process: {cold:.2f} s "
          f"({cold / median['report --html']:.1f} x a warm page)")


if __name__ == "__main__":
    main()

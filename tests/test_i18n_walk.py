"""Every command's output, in Chinese and in English, has no text of the other language.

On a small demo district (built once), the walk runs the ``--help`` of every command and
group (the plug-ins' too), every reading command, a round of writing commands (an order from
点单 to 评单, a team, points) and a few refusals, once with ``--lang zh_CN`` and once with
``--lang en``. In Chinese, a line may keep English only for what is not language: ids, codes,
option and command names, metavars, URLs and a few proper nouns. In English, Chinese may
appear only as data: a run of Chinese must occur in the store's own records (the ``--json``
output, which keeps data as stored) or in the source code itself (official terms such as
志愿服务记录证明, examples such as "e.g. 理发", the demo's names), never only in the catalog.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from civicvol.cli import cli
from civicvol.plugins.discovery import ALLOW_ENV, installed_plugins

pytestmark = pytest.mark.slow

ADMIN = "administrator:admin-1"
RESIDENT = "resident:r-1001"
DISPATCHER = "dispatcher:centre-1"
POINTS_AUDITOR = "points-auditor:pa-1"
STATION_KEEPER = "station-keeper:sk-1"
SRC = Path(__file__).parent.parent / "src" / "civicvol"

Run = tuple[str, str]  # the command line, its output (stdout and stderr)


def invoke(store: str, *args: str, lang: str, actor: str | None = None) -> tuple[int, str]:
    argv = ["--lang", lang, "--store", store, *(["--as", actor] if actor else []), *args]
    result = CliRunner(env={"COLUMNS": "80"}).invoke(cli, argv, prog_name="civicvol")
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output


def as_json(store: str, *args: str) -> Any:
    code, out = invoke(store, *args, "--json", lang="en")
    assert code == 0, out
    return json.loads(out)


BUILT_IN = "haircut-days,knitting-drives,rider-clues,safety-patrol"


def in_a_fresh_process(lang: str, folder: Path) -> dict[str, Any]:
    """Build the district and walk it in a new Python with only the built-in plug-ins (an
    external plug-in brings its own catalog; this walk is civicvol's), as ``civicvol`` runs."""
    program = ("import json, sys; from pathlib import Path; "
               "from tests.test_i18n_walk import walk_and_gather; "
               "print(json.dumps(walk_and_gather(sys.argv[1], Path(sys.argv[2]))))")
    done = subprocess.run([sys.executable, "-c", program, lang, str(folder)],
                          capture_output=True, text=True, timeout=600, check=False,
                          cwd=SRC.parent.parent, env={**os.environ, ALLOW_ENV: BUILT_IN,
                                                      "COLUMNS": "80"})
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def walk_and_gather(lang: str, folder: Path) -> dict[str, Any]:
    """The walk's runs and, for the English check, the store's data as JSON keeps it."""
    district = folder / "district.db"
    code, out = invoke(f"sqlite:///{district}", "demo", "--scale", "0.002", lang="en")
    assert code == 0, out
    runs = walk(district, folder, lang)
    store = f"sqlite:///{folder / f'walk-{lang}.db'}"
    records = [invoke(store, *c, "--json", lang="en")[1] for _actor, c in readings(ids(store))]
    data = json.dumps([as_json(store, *c) for c in (
        ("volunteer", "search", "--limit", "1000"), ("team", "list", "--limit", "1000"),
        ("order", "list", "--limit", "1000"))], ensure_ascii=False) + "".join(records)
    data += "".join(str(p.default) for c in commands(cli) if (command := command_of(c))
                    for p in command.params)  # defaults such as the issuing organisation
    return {"runs": runs, "data": data}


def commands(group: click.Group, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None
        yield (*path, name)
        if isinstance(command, click.Group):
            yield from commands(command, (*path, name))


def command_of(path: tuple[str, ...]) -> click.Command | None:
    command: click.Command | None = cli
    for name in path:
        assert isinstance(command, click.Group)
        command = command.get_command(click.Context(command), name)
    return command


def ids(store: str) -> dict[str, str]:
    """One id of each kind the commands take, from the demo district."""
    volunteer = as_json(store, "volunteer", "search", "--limit", "1")[0]
    served = as_json(store, "order", "list", "--status", "rated", "--limit", "1")[0]
    team = next(t for t in as_json(store, "team", "list", "--limit", "1000")
                if t["kind"] == "special")
    return {
        "volunteer": volunteer["id"], "served_volunteer": served["volunteer_id"],
        "order": served["id"], "team": team["id"],
        "session": as_json(store, "haircut-days", "sessions")[0]["id"],
        "drive": as_json(store, "knitting-drives", "list")[0]["id"],
        "clue": as_json(store, "rider-clues", "list")[0]["id"],
        "hazard": as_json(store, "safety-patrol", "hazards")[0]["id"],
    }


def readings(i: dict[str, str]) -> list[tuple[str | None, tuple[str, ...]]]:
    return [(None, c) for c in [
        ("report",), ("plugins",), ("views", "status"),
        ("volunteer", "search", "--limit", "5"), ("volunteer", "show", i["served_volunteer"]),
        ("volunteer", "orders", i["served_volunteer"]),
        ("team", "list", "--limit", "5"), ("team", "show", i["team"]),
        ("team", "members", i["team"], "--limit", "5"),
        ("order", "list", "--limit", "5"), ("order", "queue", "--limit", "5"),
        ("order", "show", i["order"]),
        ("points", "show", i["served_volunteer"]), ("points", "pending", "--limit", "5"),
        ("audit", "verify"), ("audit", "history", i["order"]),
        ("audit", "trace-points", i["served_volunteer"]),
        ("haircut-days", "sessions"), ("haircut-days", "show", i["session"]),
        ("haircut-days", "calendar"),
        ("knitting-drives", "list"), ("knitting-drives", "show", i["drive"]),
        ("knitting-drives", "figures"),
        ("rider-clues", "list"), ("rider-clues", "show", i["clue"]),
        ("rider-clues", "categories"),
        ("safety-patrol", "hazards"), ("safety-patrol", "show", i["hazard"]),
        ("safety-patrol", "overdue"),
        # refusals: one line each
        ("order", "show", "not-an-id"), ("volunteer", "show", "0" * 32),
        ("order", "list", "--status", "lost"), ("report", "--as-of", "2999-01-01"),
    ]]


def writings(store: str, lang: str, i: dict[str, str]) -> list[Run]:
    """A round of changes, each command's output kept."""
    runs: list[Run] = []

    def run(actor: str | None, *args: str) -> str:
        _code, out = invoke(store, *args, lang=lang, actor=actor)
        runs.append((" ".join(args), out))
        return out.strip().splitlines()[-1] if out.strip() else ""

    phone = "13912345678" if lang == "en" else "13912345679"
    volunteer = run(ADMIN, "volunteer", "register", "--name", "测试者", "--phone", phone,
                    "--community", "东庄社区")
    run(ADMIN, "volunteer", "register", "--name", "x", "--phone", "12")  # refused
    run(None, "team", "create", "--name", "无名", "--kind", "special")  # refused: no --as
    team = run(ADMIN, "team", "create", "--name", "测试队", "--kind", "special",
               "--community", "东庄社区")
    run(ADMIN, "team", "join", team, volunteer)
    run(ADMIN, "team", "appoint-leader", team, volunteer)
    order = run(RESIDENT, "order", "place", "--service", "理发", "--place", "东庄社区")
    run(DISPATCHER, "order", "dispatch", order, "--team", team)
    run(f"volunteer:{volunteer}", "order", "accept", order)
    run(f"volunteer:{volunteer}", "order", "complete", order, "--hours", "1.5")
    run(RESIDENT, "order", "rate", order, "--stars", "5")
    run(RESIDENT, "order", "rate", order, "--stars", "4")  # refused: rated once
    run(None, "points", "show", volunteer)
    run(POINTS_AUDITOR, "points", "approve", volunteer)
    run(STATION_KEEPER, "points", "redeem", volunteer, "--points", "1", "--gift", "毛巾",
        "--station", "蜂享驿站")
    run(STATION_KEEPER, "points", "redeem", volunteer, "--points", "100000", "--gift", "毛巾",
        "--station", "蜂享驿站")  # refused
    other = run(RESIDENT, "order", "place", "--service", "助老")
    run(RESIDENT, "order", "cancel", other, "--reason", "不需要了")
    run(ADMIN, "volunteer", "set-national-number", volunteer, "53010200000088")
    run(ADMIN, "volunteer", "set-national-number", volunteer, "53-01")  # refused: its shape
    run(ADMIN, "volunteer", "register", "--name", "测试二", "--phone", "13712345678",
        "--community", "东庄社区", "--national-number", "53010200000088")  # refused: taken
    run(None, "volunteer", "show", volunteer)
    run(None, "order", "show", order)
    run(ADMIN, "volunteer", "suspend", volunteer, "--reason", "休假")
    run(ADMIN, "volunteer", "reactivate", volunteer)
    return runs


def walk(district: Path, tmp: Path, lang: str) -> list[Run]:
    store = tmp / f"walk-{lang}.db"
    shutil.copy(district, store)
    url = f"sqlite:///{store}"
    runs: list[Run] = []
    for command in [(), *commands(cli)]:
        runs.append((" ".join((*command, "--help")), invoke(url, *command, "--help",
                                                            lang=lang)[1]))
    i = ids(url)
    for actor, args in readings(i):
        runs.append((" ".join(args), invoke(url, *args, lang=lang, actor=actor)[1]))
    return runs + writings(url, lang, i)


# --- what may stay in the other language --------------------------------------------------
NOT_WORDS = [  # in this order: each takes its match out of the line
    r"\w+://\S*", r"\S+/\S+", r"\S+\.(?:db|json|jsonl|toml|ics|txt|pem|key|md|pub|jpg|png)\b",
    r"\b[\w-]+:[\w<>.-]+", r"<\w+>",  # ROLE:ID, order:<id>, <id>
    r"\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b",  # ids
    r"\b[0-9a-f]{6,}\b", r"\b[0-9a-f]{4,}…", r"\bE\d+\b", r"\$\w+",  # hashes, entries
    r"(?<![\w-])--?[a-z][\w-]*", r"\b[A-Z][A-Z0-9_:\-./]+\b",  # options, metavars
    r"'[^']*'",  # a quoted command, value, code or name
    r"civicvol(?: [a-z][a-z-]*)*", r"^\s*[a-z][a-z-]+(?=\s{2}|$)",  # command names
    r"\[[^\]]*\]",  # click's choices, defaults and ranges
    r"\b[a-z]+(?:-[a-z]+)+\b", r"\b\w+_\w+\b",  # slugs, plug-in and hook names
    r"\b[A-Z]\w+\.[A-Z]\w+\b", r"\b\w+=[\w-]*",  # event names, an event's fields
    r"\b[a-z]+ \((?=[\u4e00-\u9fff])",  # a code glossed in Chinese: flood (防汛演练)
    r'= "[^"]*"',  # a setting as written in civicvol.toml
    r"\bOpen311\b", r'"[^"]*"',  # the standard's name; a quoted JSON key or value
    r"\S*\.(?:xlsx|csv)\b",  # the spreadsheets' kinds
    r"\{[\w|]+\}", r":\s*(?:true|false)\b",  # click's choice of arguments; JSON's booleans
]
PROPER = {"civicvol", "SQLite", "PostgreSQL", "JSON", "Asia", "Shanghai", "Ed", "Merkle",
          "iCalendar", "TOML", "en", "chinesecalendar", "uvicorn"}
# names a command takes as arguments (the views), which stay as typed
# and the plug-ins' names (the plugins table lists the installed ones, external ones too)
VIEW_NAMES = {"orders", "volunteers", "directory", "teams", "memberships", "points",
              "timeline", "stations"}


@cache
def codes() -> frozenset[str]:
    """The views' and the installed plug-ins' names, read when the output is checked: a plug-in
    installed while the suite runs (the external newsletter) is listed by then."""
    return frozenset(VIEW_NAMES | {p.name for p in installed_plugins()})


def english_words(line: str) -> list[str]:
    for pattern in NOT_WORDS:
        line = re.sub(pattern, " ", line)
    return [w for w in re.findall(r"[A-Za-z][A-Za-z_]+", line)
            if w not in PROPER and not (w in codes() and "│" in line)]


CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def test_chinese_output_has_no_english_text(tmp_path: Path) -> None:
    runs = in_a_fresh_process("zh_CN", tmp_path)["runs"]
    found = [(c, line, words) for c, out in runs for line in out.splitlines()
             if (words := english_words(line))]
    assert len(runs) > 150
    assert found == [], "\n".join(f"{c}: {line!r} {words}" for c, line, words in found[:80])


def test_english_output_has_no_chinese_but_data(tmp_path: Path) -> None:
    walked = in_a_fresh_process("en", tmp_path)
    runs, data = walked["runs"], walked["data"]
    # names the code itself gives in Chinese (official terms, the demo's people and places),
    # never a translation from the catalog
    data += "".join(path.read_text(encoding="utf-8") for path in SRC.rglob("*.py"))
    data += "测试者东庄社区测试队理发助老不需要了毛巾蜂享驿站休假"  # what the walk typed
    found = [(c, line, run) for c, out in runs for line in out.splitlines()
             for run in CJK.findall(line) if run not in data]
    assert len(runs) > 150
    assert found == [], "\n".join(f"{c}: {line!r} {run}" for c, line, run in found[:80])

"""A small JSON cache of the ``civicvol`` entry points, after stevedore's: importing
``importlib.metadata`` (email, socket, selectors...) costs a read command about a tenth of its
start, so the entry points are read from it only when the installed packages may have changed.

The key is made of what importlib.metadata would look at: the interpreter, ``sys.path`` in
order, and for each directory on it the names of its ``*.dist-info`` and ``*.egg-info``
folders with the mtime and size of their ``entry_points.txt`` and METADATA/PKG-INFO (or their
absence); a file on sys.path (a zip) by its own mtime and size. A
cache that cannot be read or written is ignored: the cache must never fail a command.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

CACHE_ENV = "CIVICVOL_CACHE_DIR"
CACHE_FILE = "entry_points.json"
INFO_SUFFIXES = (".dist-info", ".egg-info")
# One row per entry point, as discovery.InstalledPlugin: name, value, distribution, version.
Row = tuple[str, str, str, str]

# Where the version is read from (a develop egg-info's name carries none).
_VERSION_FILE = ("METADATA", "PKG-INFO")

_memo: dict[str, list[Row]] = {}


def cache_dir() -> Path | None:
    """``$CIVICVOL_CACHE_DIR`` (empty: no cache), else ``$XDG_CACHE_HOME/civicvol``, else
    ``~/.cache/civicvol``."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit is not None:
        return Path(explicit) if explicit else None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "civicvol"


def _stamp(path: str) -> list[int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_mtime_ns, st.st_size]


def _entry_state(entry: str) -> list[object]:
    """What of one sys.path entry importlib.metadata's answer depends on."""
    folder = entry or "."  # '' is the current directory
    stamp = _stamp(folder)
    state: list[object] = [entry, stamp]
    if stamp is None or not os.path.isdir(folder):
        return state  # a missing entry or a zip file: its own stamp is enough
    try:
        with os.scandir(folder) as listing:
            infos = sorted(e.name for e in listing if e.name.endswith(INFO_SUFFIXES))
    except OSError:
        return state
    # Not the folder's own mtime: '' (the current folder) and a script's folder change with
    # every file written there. importlib.metadata only sees the info folders, named in order.
    state[1] = None
    state.extend([name, _stamp(os.path.join(folder, name, "entry_points.txt")),
                  _stamp(os.path.join(folder, name, _VERSION_FILE[name.endswith(".egg-info")]))]
                 for name in infos)
    return state


def cache_key(path: Sequence[str] | None = None) -> str:
    """A digest that changes whenever the entry points importlib.metadata finds could."""
    entries = sys.path if path is None else path
    state = [sys.executable, sys.version, [_entry_state(e) for e in entries]]
    return hashlib.sha256(json.dumps(state).encode()).hexdigest()


def _read(file: Path, key: str) -> list[Row] | None:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
        if data["key"] != key:
            return None
        rows = [tuple(str(field) for field in row) for row in data["entry_points"]]
    except (OSError, ValueError, TypeError, KeyError):
        return None  # missing, corrupt or foreign: read the metadata instead
    if any(len(row) != 4 for row in rows):
        return None
    return rows  # type: ignore[return-value]  # checked: four strings each


def _write(file: Path, key: str, rows: list[Row]) -> None:
    temp = file.with_name(f"{file.name}.{os.getpid()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps({"key": key, "entry_points": rows}), encoding="utf-8")
        os.replace(temp, file)  # atomic: a concurrent reader sees the old or the new file
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)


def cached_entry_points(read: Callable[[], list[Row]]) -> list[Row]:
    """The rows ``read`` returns (from importlib.metadata), from the process's memo or the
    cache file while the key holds; otherwise read again and cached."""
    key = cache_key()
    if key in _memo:
        return list(_memo[key])
    folder = cache_dir()
    file = folder / CACHE_FILE if folder is not None else None
    rows = _read(file, key) if file is not None else None
    if rows is None:
        rows = read()
        if file is not None:
            _write(file, key, rows)
    _memo[key] = rows
    return list(rows)


def forget() -> None:
    """Empty the in-process memo (tests; a process that installs packages while it runs)."""
    _memo.clear()

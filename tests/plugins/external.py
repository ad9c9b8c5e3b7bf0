"""Install the example external plug-in into the running environment, as a user would.

``pip install ./examples/civicvol-newsletter`` into this interpreter's environment, once per
test session: without network (``--no-index``), without build isolation (setuptools comes
with civicvol's test extra) and without dependencies (civicvol itself is the one installed).
"""

from __future__ import annotations

import fcntl
import importlib
import subprocess
import sys
from pathlib import Path
from types import ModuleType

NEWSLETTER = Path(__file__).resolve().parents[2] / "examples" / "civicvol-newsletter"
_installed: list[ModuleType] = []


def installed_newsletter() -> ModuleType:
    """The newsletter plug-in's hook module, freshly installed from the example's source."""
    if not _installed:
        # Test sessions running side by side must not install into one venv at once.
        with (Path(sys.prefix) / ".civicvol-newsletter-install.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            done = subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                 "--no-build-isolation", "--no-index", "--disable-pip-version-check",
                 str(NEWSLETTER)],
                capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"pip install {NEWSLETTER} failed:\n{done.stderr}"
        importlib.invalidate_caches()
        _installed.append(importlib.import_module("civicvol_newsletter.plugin"))
    return _installed[0]


def civicvol_script() -> Path:
    """The ``civicvol`` command installed beside this interpreter."""
    return Path(sys.executable).with_name("civicvol")

"""Every hook has a reference entry and a test, or this fails.

The mechanical rule (stated in docs/plugins/authoring.md): each hook declared in
civicvol.plugins.hookspecs must have a ``## <hook name>`` heading in docs/plugins/hooks.md,
and at least one test somewhere under tests/ marked ``@pytest.mark.hook("<hook name>")``.
Headings and markers for hooks that do not exist fail too, so the lists cannot drift apart.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from civicvol.plugins.testkit import HOOK_NAMES

ROOT = Path(__file__).resolve().parents[2]
HOOKS_MD = ROOT / "docs" / "plugins" / "hooks.md"
HEADING = re.compile(r"^## (\w+)\s*$", re.MULTILINE)
MARKER = re.compile(r"""@pytest\.mark\.hook\(\s*["'](\w+)["']\s*\)""")


def documented_hooks() -> set[str]:
    return set(HEADING.findall(HOOKS_MD.read_text(encoding="utf-8")))


def hooks_with_tests() -> set[str]:
    return {name for path in (ROOT / "tests").rglob("test_*.py")
            for name in MARKER.findall(path.read_text(encoding="utf-8"))}


def test_there_are_hooks_to_check() -> None:
    assert {"validate_command", "command_committed", "report_sections"} <= HOOK_NAMES


@pytest.mark.parametrize("hook", sorted(HOOK_NAMES))
def test_the_hook_has_a_reference_entry(hook: str) -> None:
    assert hook in documented_hooks(), f"docs/plugins/hooks.md lacks a '## {hook}' entry"


@pytest.mark.parametrize("hook", sorted(HOOK_NAMES))
def test_the_hook_has_a_test(hook: str) -> None:
    assert hook in hooks_with_tests(), f"no test is marked @pytest.mark.hook({hook!r})"


def test_the_reference_and_the_tests_name_only_real_hooks() -> None:
    assert documented_hooks() - HOOK_NAMES == set()
    assert hooks_with_tests() - HOOK_NAMES == set()


def test_the_hooks_are_documented_in_the_order_of_the_spec_module() -> None:
    source = (ROOT / "src" / "civicvol" / "plugins" / "hookspecs.py").read_text("utf-8")
    declared = [n for n in re.findall(r"^def (\w+)\(", source, re.MULTILINE)
                if n in HOOK_NAMES]
    documented = [n for n in HEADING.findall(HOOKS_MD.read_text(encoding="utf-8"))
                  if n in HOOK_NAMES]
    assert documented == declared

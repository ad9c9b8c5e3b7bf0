"""Every refusal speaks the reader's language: by AST over ``src/civicvol``, no CivicVolError
is made (raised, or returned by a factory) and no ``ValueError`` of a plug-in Setting's
``check`` is raised (the PluginSettingError embeds its reason) with a plain string literal or
f-string as its message; the message is a ``_()`` / ``ngettext()`` call (optionally
``.format(...)``-ed) or a value made elsewhere."""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from uuid import UUID

import pytest
from click.testing import CliRunner, Result

from civicvol import CivicVol
from civicvol.cli import cli
from civicvol.cli.localise import localise
from civicvol.domain import errors as domain_errors
from civicvol.domain.district_settings import check_setting
from civicvol.domain.errors import ActivityFull, InvalidServiceDefinition, InvalidSetting
from civicvol.domain.service_catalogue import ServiceAttribute
from civicvol.domain.text import clean_text
from civicvol.i18n import N_, set_language, speaking
from civicvol.office import errors as office_errors
from civicvol.plugins import errors as plugin_errors
from tests.conftest import ADMIN
from tests.cycle_world import CycleWorld, build_cycle_world
from tests.office_files import HEADER, people, write_csv

SRC = Path(__file__).parent.parent / "src" / "civicvol"

# The auditor's stand-alone verifier uses the standard library and cryptography only, by
# design: it cannot import civicvol.i18n.
EXEMPT = {"audit/verifier.py"}
# Another helper is editing these files now; the lead converts them after merging that work.
LEAD_FIXES_AFTER_MERGE: set[str] = set()
TRANSLATORS = {"_", "ngettext"}


def sources() -> Iterator[tuple[str, ast.Module]]:
    for path in sorted(SRC.rglob("*.py")):
        yield path.relative_to(SRC).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def base_name(node: ast.expr) -> str:
    return node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")


def error_classes(trees: list[tuple[str, ast.Module]]) -> set[str]:
    """The names of CivicVolError and its subclasses, wherever in src they are defined
    (resolved by name over every class statement, until no new subclass turns up)."""
    bases = {node.name: {base_name(b) for b in node.bases}
             for _, tree in trees for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}
    found = {"CivicVolError"}
    while True:
        more = {name for name, of in bases.items() if of & found} - found
        if not more:
            return found
        found |= more


def setting_checks(trees: list[tuple[str, ast.Module]]) -> set[str]:
    """The names of the functions given as ``check=`` to a plug-in ``Setting(...)``."""
    return {kw.value.id for _, tree in trees for node in ast.walk(tree)
            if isinstance(node, ast.Call) and base_name(node.func) == "Setting"
            for kw in node.keywords if kw.arg == "check" and isinstance(kw.value, ast.Name)}


def made_error(node: ast.expr) -> ast.Call | None:
    """The constructor call in ``X(...)``, ``X(...).hinted(...)``, ``X(...).with_traceback()``."""
    while isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and isinstance(node.func.value, ast.Call):
        node = node.func.value
    return node if isinstance(node, ast.Call) else None


def plain_text(node: ast.expr) -> bool:
    """A message written as text that no catalog translates: a literal, an f-string, a
    literal's ``.format(...)``, or text joined with ``+`` / ``%``, or chosen by ``if``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
            and node.func.attr == "format":
        return plain_text(node.func.value)
    if isinstance(node, ast.BinOp):
        return plain_text(node.left) or plain_text(node.right)
    if isinstance(node, ast.IfExp):
        return plain_text(node.body) or plain_text(node.orelse)
    return False


def message_of(call: ast.Call) -> ast.expr | None:
    if call.args:
        return call.args[0]
    return next((kw.value for kw in call.keywords if kw.arg == "message"), None)


def untranslated(trees: list[tuple[str, ast.Module]]) -> list[str]:
    classes, checks = error_classes(trees), setting_checks(trees)
    sites = []
    for where, tree in trees:
        if where in EXEMPT or where in LEAD_FIXES_AFTER_MERGE:
            continue
        for function in ast.walk(tree):
            in_check = isinstance(function, ast.FunctionDef) and function.name in checks
            if not (in_check or isinstance(function, ast.Module)):
                continue
            for node in ast.walk(function):
                # an error made anywhere (raised, or returned by a factory) in the module; a
                # check's ValueError where it is raised
                if isinstance(node, ast.Call) and base_name(node.func) in classes:
                    call: ast.Call | None = node
                elif in_check and isinstance(node, ast.Raise) and node.exc is not None:
                    call = made_error(node.exc)
                    if call is not None and base_name(call.func) not in ("ValueError",
                                                                         "TypeError"):
                        continue
                else:
                    continue
                message = message_of(call) if call is not None else None
                if message is not None and plain_text(message):
                    sites.append(f"src/civicvol/{where}:{node.lineno}")
    return sorted(set(sites))


def test_the_error_classes_are_found_in_every_errors_module() -> None:
    classes = error_classes(list(sources()))
    for module in (domain_errors, office_errors, plugin_errors):
        defined = {name for name, value in vars(module).items()
                   if isinstance(value, type) and issubclass(value, domain_errors.CivicVolError)
                   and value.__module__ == module.__name__}
        assert defined and defined <= classes, module.__name__


def test_the_guard_sees_a_plain_message_and_lets_a_marked_one_pass() -> None:
    code = '''
class Refused(RuleViolation): ...
def check_size(value):
    raise ValueError(f"too big: {value}")
def check_other(value):
    raise ValueError("not a setting's check, not counted")
SETTING = Setting(1, check=check_size)
def act(order):
    if order:
        raise Refused(f"order {order} is closed")
    raise Refused(_("order {order} is closed").format(order=order)).hinted("--as admin")
def act2(order, message):
    raise OrderNotFound(message)
def act3(n):
    raise OrderNotFound("no order " + str(n)).hinted(_("look it up"))
def act4(n):
    raise OrderNotFound(ngettext("{n} order", "{n} orders", n).format(n=n))
def refusal(n):
    return OrderNotFound(f"no order {n}")
'''
    trees = [("domain/errors.py", ast.parse((SRC / "domain/errors.py").read_text())),
             ("example.py", ast.parse(code))]
    assert untranslated(trees) == ["src/civicvol/example.py:10", "src/civicvol/example.py:15",
                                   "src/civicvol/example.py:19", "src/civicvol/example.py:4"]


def test_every_refusal_is_marked_for_translation() -> None:
    assert untranslated(list(sources())) == []


# --- the refusals read in Chinese, from Python and from the command line -----------------------
FLOOR = {"code": "floor", "datatype": "number", "description": "楼层"}


@pytest.fixture
def english_after() -> Iterator[None]:
    yield
    set_language("en")
    localise(cli)  # the commands' help back in English for the tests that follow
    set_language(None)


@pytest.fixture
def full_activity(tmp_path: Path) -> tuple[str, CycleWorld, UUID]:
    """A store holding an activity for 2 volunteers that 2 have accepted."""
    store = f"sqlite:///{tmp_path / 'zh.db'}"
    with closing(CivicVol(store)) as app:
        world = build_cycle_world(app)
        order = world.activity(2)
        for n in (1, 2):
            app.accept_order(world.volunteer(n), order)
    return store, world, order


def zh_cli(store: str, actor: str, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--lang", "zh_CN", "--store", store, "--as", actor, *args])


def one_chinese_line(result: Result) -> str:
    assert result.exit_code != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("错误：")
    return lines[0]


@pytest.mark.usefixtures("english_after")
class TestRefusalsInChinese:
    def test_a_full_activity(self, full_activity: tuple[str, CycleWorld, UUID]) -> None:
        store, world, order = full_activity
        told = f"活动 {order} 已满员：需要 2 名志愿者，均已接单；请另选订单"
        with closing(CivicVol(store)) as app, speaking("zh_CN"), \
                pytest.raises(ActivityFull) as full:
            app.accept_order(world.volunteer(3), order)
        assert str(full.value) == told
        line = one_chinese_line(zh_cli(store, f"volunteer:{world.members[3]}", "order",
                                       "accept", str(order)))
        assert told in line
        with closing(CivicVol(store)) as app:
            assert len(app.order(order).volunteers) == 2  # nothing stored

    def test_a_bad_district_setting(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'zh.db'}"
        with closing(CivicVol(store)) as app, speaking("zh_CN"), \
                pytest.raises(InvalidSetting) as bad:
            app.change_district_setting(ADMIN, "review_orders", "maybe")
        assert str(bad.value) == "区级设置 'review_orders' 应为 true 或 false，而不是 'maybe'"
        line = one_chinese_line(zh_cli(store, "administrator:admin-1", "district", "set",
                                       "review_orders", "maybe"))
        assert "区级设置 'review_orders' 应为 true 或 false" in line
        line = one_chinese_line(zh_cli(store, "administrator:admin-1", "district", "set",
                                       "no_such_setting", "1"))
        assert "没有区级设置 'no_such_setting'；可用的设置有 review_orders" in line

    def test_a_service_definition_refused(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'zh.db'}"
        floor = ServiceAttribute.checked(**FLOOR)
        with closing(CivicVol(store)) as app, speaking("zh_CN"), \
                pytest.raises(InvalidServiceDefinition) as refused:
            app.add_service(ADMIN, "haircut", "理发", "Haircut", attributes=[floor, floor])
        assert str(refused.value) == "服务 'haircut' 中有重复的属性代码"
        line = one_chinese_line(zh_cli(
            store, "administrator:admin-1", "service", "add", "--code", "haircut",
            "--name-zh", "理发", "--name-en", "Haircut",
            "--attribute", json.dumps({**FLOOR, "datatype": "colour"})))
        assert "属性类型 'colour' 不在 " in line
        with closing(CivicVol(store)) as app:
            assert app.service_catalogue() is None  # nothing stored

    def test_a_roster_with_bad_rows(self, tmp_path: Path) -> None:
        """All or nothing: the refusal, its rows' reasons and the CLI's hint in Chinese."""
        store = f"sqlite:///{tmp_path / 'zh.db'}"
        roster = write_csv(tmp_path / "名单.csv", HEADER, [
            *people(1), ["赵六", "12345", "东庄社区", "", ""], people(1)[0]])
        line = one_chinese_line(zh_cli(store, "administrator:admin-1", "volunteer", "import",
                                       str(roster)))
        assert "3 行中有 2 行有误，因此什么也没有导入：第 3 行，手机号：" in line
        assert "第 4 行，手机号：与第 2 行的手机号相同；一人只占一行" in line
        assert "请在报告中改正后再导入它，或只导入正确的行（--skip-bad）" in line
        report = str(tmp_path / "名单.report.csv")
        assert f"报告 {report} 列出了全部有误的行" in line
        words = line.replace(report, "").replace("--skip-bad", "")
        assert not re.search(r"[A-Za-z]{3,}", words), line  # no English left
        with closing(CivicVol(store)) as app:
            assert app.views.volunteers.search(limit=None) == []  # nothing stored

    def test_the_same_refusal_reads_in_english_in_english(self) -> None:
        with speaking("en"), pytest.raises(InvalidSetting) as bad:
            check_setting("review_orders", "maybe")
        assert str(bad.value) == "district setting 'review_orders' is true or false, not 'maybe'"

    def test_the_word_for_what_was_wrong_is_translated_too(self) -> None:
        with speaking("zh_CN"), pytest.raises(domain_errors.InvalidInput) as bad:
            clean_text("关爱\x07老人志愿队", N_("team name"))
        assert str(bad.value) == ("队伍名称中有控制字符 '\\x07'（只有描述中允许换行）；请删除它")


# --- what to type is the CLI's hint, not the Python API's message ------------------------------
NAMES_THE_CLI = re.compile(r"'civicvol |\(civicvol |(?<![\w-])--[a-z]")
# Refusals that may still name a command or a flag in their message (none now: the audit's
# and the web's moved theirs into hints).
STILL_NAME_THE_CLI: set[str] = set()


def naming_the_cli(trees: list[tuple[str, ast.Module]]) -> dict[str, list[int]]:
    """Where, outside the CLI's own modules, an error's message (its ``_()`` text) names a
    command or an option; its ``.hinted(...)`` may."""
    classes, found = error_classes(trees), {}
    for where, tree in trees:
        if where.startswith("cli/") or where.endswith("/cli.py") or where in EXEMPT \
                or where in LEAD_FIXES_AFTER_MERGE:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and base_name(node.func) in classes:
                message = message_of(node)
                texts = [] if message is None else [
                    c.args[0].value for c in ast.walk(message)
                    if isinstance(c, ast.Call) and base_name(c.func) in TRANSLATORS
                    and c.args and isinstance(c.args[0], ast.Constant)]
                if any(NAMES_THE_CLI.search(str(text)) for text in texts):
                    found.setdefault(where, []).append(node.lineno)
    return found


def test_the_guard_sees_a_command_in_a_message_but_not_in_a_hint() -> None:
    code = '''
def refuse(order):
    raise OrderNotFound(_("no order {order}; 'civicvol order list' lists them").format(
        order=order))
def act(order):
    raise OrderNotFound(_("no order {order}").format(order=order)).hinted(
        _("'civicvol order list' lists them"))
def flag():
    raise InvalidInput(_("give --team ID"))
'''
    trees = [("domain/errors.py", ast.parse((SRC / "domain/errors.py").read_text())),
             ("app/example.py", ast.parse(code)), ("cli/example.py", ast.parse(code))]
    assert naming_the_cli(trees) == {"app/example.py": [3, 9]}


def test_messages_of_the_python_api_name_no_command_or_flag() -> None:
    found = naming_the_cli(list(sources()))
    assert set(found) <= STILL_NAME_THE_CLI, {w: found[w] for w in set(found) - STILL_NAME_THE_CLI}

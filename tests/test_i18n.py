"""The catalogs and the language choice: the committed .mo is the .po compiled, every marked
text has its Chinese, placeholders survive translation, the language is --lang, then
CIVICVOL_LANG, then the locale; plurals, times and whole ids as people read them."""

from __future__ import annotations

import gettext
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from civicvol import CivicVol
from civicvol.cli import cli
from civicvol.cli.localise import localise
from civicvol.display import hours, moment, status
from civicvol.domain.errors import InvalidTeamStructure, PermissionDenied
from civicvol.i18n import LOCALE_DIR, PluginTranslations, _, language, ngettext, set_language
from civicvol.i18n_tools import source_messages

SRC = Path(__file__).parent.parent / "src" / "civicvol"
PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "civicvol.po"
MO = PO.with_suffix(".mo")
PLACEHOLDER = re.compile(r"%\(\w+\)s|\{[^{}]*\}")


@pytest.fixture(autouse=True)
def english_unless_told(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for variable in ("CIVICVOL_LANG", "LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(variable, raising=False)
    set_language(None)
    yield
    set_language("en")
    localise(cli)  # the commands' help back in English for the tests that follow
    set_language(None)


def po_catalog() -> dict[object, object]:
    with PO.open("rb") as f:
        return {m.id: m.string for m in read_po(f, locale="zh_CN") if m.id}


class TestCatalog:
    def test_the_committed_mo_is_the_po_compiled(self, tmp_path: Path) -> None:
        with PO.open("rb") as f:
            catalog = read_po(f, locale="zh_CN")
        fresh = tmp_path / "civicvol.mo"
        with fresh.open("wb") as f:
            write_mo(f, catalog)
        with MO.open("rb") as committed, fresh.open("rb") as compiled:
            assert (gettext.GNUTranslations(committed)._catalog  # type: ignore[attr-defined]
                    == gettext.GNUTranslations(compiled)._catalog)  # type: ignore[attr-defined]

    def test_every_marked_text_in_src_has_its_chinese(self) -> None:
        translated = {key[0] if isinstance(key, tuple) else key: text
                      for key, text in po_catalog().items()}
        marked = source_messages(str(SRC))
        assert len(marked) > 500
        missing = {msgid: where[0] for msgid, where in marked.items()
                   if not (translated.get(msgid) if isinstance(translated.get(msgid), str)
                           else any(translated.get(msgid) or ()))}
        assert missing == {}

    def test_translations_keep_the_placeholders(self) -> None:
        """A translation invents no placeholder and drops none but English's article (a
        plural's one Chinese form may use the singular's or the plural's)."""
        broken = {}
        for key, text in po_catalog().items():
            ids = key if isinstance(key, tuple) else (key,)
            wanted = [set(PLACEHOLDER.findall(str(i))) for i in ids]
            for form in (text if isinstance(text, tuple) else (text,)):
                found = set(PLACEHOLDER.findall(str(form)))
                if form and not any(found <= w and not (w - found - {"{article}"})
                                    for w in wanted):
                    broken[ids[0]] = form
        assert broken == {}

    def test_a_click_docstring_is_extracted_as_click_shows_it(self) -> None:
        marked = source_messages(str(SRC / "cli"))
        assert "A resident places an order (点单)." in marked
        assert ("Take a volunteer off a team (administrator, a leader of the team, or the "
                "volunteer);\na leader who leaves stops leading it.") in marked


class TestLanguageChoice:
    def test_lang_then_civicvol_lang_then_the_locale_else_english(
            self, monkeypatch: pytest.MonkeyPatch) -> None:
        assert language() == "en"
        monkeypatch.setenv("LANG", "zh_CN.UTF-8")
        assert language() == "zh_CN"
        monkeypatch.setenv("CIVICVOL_LANG", "en")
        assert language() == "en"
        set_language("zh")
        assert language() == "zh_CN" and _("order") == "订单"
        set_language(None)
        assert language() == "en" and _("order") == "order"

    def test_plurals_in_both_languages(self) -> None:
        assert [hours(h) for h in ("1", "1.5", "2")] == ["1 hour", "1.5 hours", "2 hours"]
        assert ngettext("{n} service", "{n} services", 1).format(n=1) == "1 service"
        set_language("zh_CN")
        assert [hours(h) for h in ("1", "1.5")] == ["1 小时", "1.5 小时"]
        assert ngettext("{n} service", "{n} services", 3).format(n=3) == "志愿服务 3 次"

    def test_times_are_the_districts_to_the_minute(self) -> None:
        assert moment("2024-01-31T16:05:59.123456+00:00") == "2024-02-01 00:05"
        assert status("dispatched") == "dispatched"
        set_language("zh_CN")
        assert status("dispatched") == "已派单" and status("unknown-code") == "unknown-code"

    def test_help_is_in_the_language_asked_for_in_a_real_process(self) -> None:
        env = {k: v for k, v in os.environ.items() if k not in ("LANG", "LC_ALL")}
        run = [str(Path(sys.executable).parent / "civicvol")]
        zh = subprocess.run([*run, "--lang", "zh_CN", "order", "--help"], capture_output=True,
                            text=True, check=True, env=env).stdout
        assert "用法：" in zh and "派单" in zh and "显示本帮助并退出。" in zh
        by_env = subprocess.run([*run, "order", "dispatch", "--help"], capture_output=True,
                                text=True, check=True,
                                env={**env, "CIVICVOL_LANG": "zh_CN"}).stdout
        assert "实践中心把订单派给队伍" in by_env
        en = subprocess.run([*run, "order", "--help"], capture_output=True, text=True,
                            check=True, env={**env, "LANG": "C.UTF-8"}).stdout
        assert "Usage:" in en and not re.search(r"[\u4e00-\u9fff]{3}", en.replace(
            "点单", "").replace("派单", "").replace("接单", "").replace("评单", ""))

    def test_an_unknown_language_is_refused_in_one_line(self) -> None:
        result = CliRunner().invoke(cli, ["--lang", "fr", "--version"], prog_name="civicvol")
        assert result.exit_code == 2
        assert result.output.strip().splitlines() == [
            "error: Invalid value for '--lang': 'fr' is not a language civicvol speaks; "
            "choose one of en, zh_CN. (see 'civicvol --help')"]


class TestCommandLine:
    @pytest.fixture
    def store(self, tmp_path: Path) -> str:
        url = f"sqlite:///{tmp_path / 'i18n.db'}"
        runner = CliRunner()
        admin = ["--store", url, "--as", "administrator:admin-1"]
        team = runner.invoke(cli, [*admin, "team", "create", "--name", "理发队", "--kind",
                                   "special"]).stdout.strip().splitlines()[-1]
        order = runner.invoke(cli, ["--store", url, "--as", "resident:r-1", "order", "place",
                                    "--service", "理发"]).stdout.strip().splitlines()[-1]
        runner.invoke(cli, ["--store", url, "--as", "dispatcher:d-1", "order", "dispatch",
                            order, "--team", team])
        return url

    def test_ids_are_whole_and_times_to_the_minute_at_80_columns(self, store: str) -> None:
        runner = CliRunner(env={"COLUMNS": "80"})
        rows = json.loads(runner.invoke(cli, ["--store", store, "order", "list",
                                              "--json"]).stdout)
        for lang in ("en", "zh_CN"):
            shown = runner.invoke(cli, ["--lang", lang, "--store", store, "order",
                                        "list"]).stdout
            assert all(len(line) <= 80 for line in shown.splitlines())
            for row in rows:
                assert row["id"] in shown and row["team_id"] in shown
                assert moment(row["placed_at"]) in shown
            assert "+00:00" not in shown and not re.search(r":\d\d\.\d{6}", shown)
        assert rows[0]["placed_at"].endswith("+08:00")  # JSON keeps ISO 8601 with offset

    def test_refusals_in_chinese_keep_their_exit_code(self, store: str) -> None:
        result = CliRunner().invoke(cli, ["--lang", "zh_CN", "--store", store, "order", "show",
                                          "0" * 32])
        assert result.exit_code == 3
        assert result.stderr.startswith("错误：该存储中没有编号为")
        assert "--store" in result.stderr  # the CLI's own hint, in Chinese too


class TestMessagesOfThePythonApi:
    def test_name_no_command_line_option(self, memory_app: CivicVol) -> None:
        admin = ("administrator", "admin-1")
        from civicvol import Actor

        corps = memory_app.create_team(Actor(*admin), "总队", "corps")
        with pytest.raises(InvalidTeamStructure) as second:
            memory_app.create_team(Actor(*admin), "第二总队", "corps")
        assert "--" not in str(second.value) and second.value.cli_hint == f"--parent {corps}"
        with pytest.raises(PermissionDenied) as denied:
            memory_app.create_team(Actor("resident", "r-1"), "队", "special", parent=corps)
        assert "--" not in str(denied.value) and "--as" in denied.value.cli_hint


class TestPluginTranslations:
    def test_a_plugin_brings_its_own_catalog_and_reuses_civicvols(self, tmp_path: Path) -> None:
        folder = tmp_path / "zh_CN" / "LC_MESSAGES"
        folder.mkdir(parents=True)
        (folder / "newsletter.po").write_text(
            'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=utf-8\\n"\n\n'
            'msgid "issues sent"\nmsgstr "已发送期数"\n', encoding="utf-8")
        with (folder / "newsletter.po").open("rb") as po, \
                (folder / "newsletter.mo").open("wb") as mo:
            write_mo(mo, read_po(po, locale="zh_CN"))
        texts = PluginTranslations("newsletter", tmp_path)
        assert texts.gettext("issues sent") == "issues sent"
        set_language("zh_CN")
        assert texts.gettext("issues sent") == "已发送期数"
        assert texts.gettext("volunteers") == "志愿者"  # civicvol's own word
        assert texts.ngettext("{n} service", "{n} services", 2) == "志愿服务 {n} 次"
        assert _("issues sent") == "已发送期数"  # a label civicvol's own code shows


def test_one_commands_language_is_not_left_to_the_next_caller(tmp_path: Path) -> None:
    """A command run in-process (a test's CliRunner, an embedding system) with --lang gives
    the caller's choice back when it ends: an export made afterwards speaks Chinese again."""
    from click.testing import CliRunner

    from civicvol import i18n
    from civicvol.cli import cli

    assert i18n.chosen() is None
    done = CliRunner().invoke(cli, ["--store", f"sqlite:///{tmp_path / 'd.db'}", "--lang", "en",
                                    "init"])
    assert done.exit_code == 0, done.output
    assert i18n.chosen() is None

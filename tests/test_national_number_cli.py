"""The national volunteer number (全国志愿者编号) on the command line: given at registration,
set or corrected later, shown by ``volunteer show`` (``national_number`` in its JSON), and
every refusal one line with nothing stored."""

from __future__ import annotations

from tests.test_cli import ADMIN, civicvol, created, ok, refused, shown, store

__all__ = ["store"]  # the fixture, used by name

NUMBER = "53010200000001"


def register(store: str, *extra: str, phone: str = "13800138000") -> str:
    return created(store, "volunteer", "register", "--name", "李师傅", "--phone", phone,
                   "--community", "东庄社区", *extra)


class TestTheNationalNumberOnTheCommandLine:
    def test_registered_with_it_and_shown_in_json_and_in_the_table(self, store: str) -> None:
        barber = register(store, "--national-number", "5301 0200 0000 01")
        assert shown(store, "volunteer", "show", barber)["national_number"] == NUMBER
        english = ok(store, "--lang", "en", "volunteer", "show", barber).stdout
        chinese = ok(store, "--lang", "zh_CN", "volunteer", "show", barber).stdout
        assert "national number" in english and NUMBER in english
        assert "全国志愿者编号" in chinese and NUMBER in chinese

    def test_without_one_the_json_has_null(self, store: str) -> None:
        barber = register(store)
        assert shown(store, "volunteer", "show", barber)["national_number"] is None

    def test_set_later_then_corrected(self, store: str) -> None:
        barber = register(store)
        said = ok(store, "--as", ADMIN, "volunteer", "set-national-number", barber,
                  "53010200000009").stdout
        assert "53010200000009" in said
        ok(store, "--as", ADMIN, "volunteer", "set-national-number", barber, NUMBER)
        assert shown(store, "volunteer", "show", barber)["national_number"] == NUMBER
        found = shown(store, "volunteer", "search", "--national-number", NUMBER.lower())
        assert [v["id"] for v in found] == [barber]
        assert shown(store, "volunteer", "search", "--national-number", "53010200000009") == []

    def test_a_bad_number_is_refused_in_both_languages(self, store: str) -> None:
        barber = register(store)
        english = refused(store, "--lang", "en", "volunteer", "set-national-number", barber,
                          "53-01", actor=ADMIN, exit_code=2)
        chinese = civicvol(store, "--lang", "zh_CN", "volunteer", "register", "--name",
                           "王阿姨", "--phone", "13900139000", "--community", "龙江社区",
                           "--national-number", "12", actor=ADMIN)
        assert "national volunteer number '53-01'" in english
        assert chinese.exit_code == 2 and chinese.stderr.count("\n") == 1
        assert chinese.stderr.startswith("错误：全国志愿者编号 '12'")
        assert [v["id"] for v in shown(store, "volunteer", "search")] == [barber]  # no one new

    def test_a_number_already_registered_is_refused_naming_who_has_it(self,
                                                                      store: str) -> None:
        barber = register(store, "--national-number", NUMBER)
        message = refused(store, "volunteer", "register", "--name", "王阿姨", "--phone",
                          "13900139000", "--community", "龙江社区", "--national-number",
                          NUMBER, actor=ADMIN)
        assert barber in message and NUMBER in message

    def test_the_help_says_what_the_number_is(self, store: str) -> None:
        text = civicvol(store, "--lang", "zh_CN", "volunteer", "register", "--help").stdout
        assert "--national-number" in text and "全国志愿服务信息系统" in text

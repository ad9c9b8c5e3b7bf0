"""Plain refusals a newcomer met: a second corps, the same person registered twice, leaving
or erasing without a reason, and an erasure nobody confirmed. Each refusal stores nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from civicvol import CivicVol
from civicvol.app.erasure import erase_volunteer
from civicvol.cli import cli
from civicvol.domain.errors import AlreadyRegistered, InvalidInput, InvalidTeamStructure
from tests.conftest import ADMIN
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


def refused(app: CivicVol, error: type[Exception], match: str, call: object, *args: object,
            **kwargs: object) -> None:
    before = app.event_count()
    with pytest.raises(error, match=match):
        call(*args, **kwargs)  # type: ignore[operator]
    assert app.event_count() == before


class TestOneCorps:
    def test_a_second_corps_is_refused_naming_the_first(self, app: CivicVol) -> None:
        corps = app.create_team(ADMIN, "盘龙区志愿服务总队", "corps")
        refused(app, InvalidTeamStructure, f"has its corps already: '盘龙区志愿服务总队' "
                f"\\({corps}\\).*under it$", app.create_team, ADMIN, "第二总队", "corps")
        with pytest.raises(InvalidTeamStructure) as second:  # the option is the CLI's hint
            app.create_team(ADMIN, "第二总队", "corps")
        assert second.value.cli_hint == f"--parent {corps}"
        app.create_team(ADMIN, "理发队", "special", parent=corps)  # teams under it are fine


class TestOnePersonOneRegistration:
    def test_the_same_phone_is_refused_saying_who_has_it(self, world: World) -> None:
        refused(world.app, AlreadyRegistered,
                f"phone 13800138000 is already registered to volunteer {world.barber} "
                r"\(李师傅, 东庄社区\)", world.app.register_volunteer, ADMIN, "李四",
                "138 0013 8000", "东庄社区")

    def test_a_volunteer_who_left_frees_the_phone(self, world: World) -> None:
        world.app.volunteer_leaves(ADMIN, world.barber, "搬家")
        again = world.app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区")
        assert again != world.barber


class TestReasons:
    def test_leaving_needs_a_reason(self, world: World) -> None:
        refused(world.app, InvalidInput, "reason for leaving is empty",
                world.app.volunteer_leaves, ADMIN, world.barber, "  ")

    def test_erasing_needs_a_reason(self, world: World) -> None:
        refused(world.app, InvalidInput, "reason for the erasure is empty",
                erase_volunteer, world.app, ADMIN, world.barber, "")


class TestAnErasureIsConfirmed:
    def invoke(self, store: str, volunteer: object, *extra: str, answer: str | None = None
               ) -> object:
        return CliRunner().invoke(cli, ["--store", store, "--as", "administrator:a1",
                                        "volunteer", "erase", str(volunteer), "--reason",
                                        "本人申请", *extra], input=answer)

    def test_without_yes_or_an_answer_nothing_is_erased(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'd.db'}"
        with CivicVol(store) as app:
            barber = build_world(app).barber
            before = app.event_count()
        for answer in (None, "n\n"):
            outcome = self.invoke(store, barber, answer=answer)
            assert outcome.exit_code == 2, outcome.output  # type: ignore[attr-defined]
            assert "erasure not confirmed" in outcome.output  # type: ignore[attr-defined]
        with CivicVol(store) as app:
            assert app.event_count() == before
            assert app.volunteer(barber).contact.name == "李师傅"

    def test_yes_at_the_prompt_or_the_flag_erases(self, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'd.db'}"
        with CivicVol(store) as app:
            world = build_world(app)
        assert self.invoke(store, world.barber, answer="y\n").exit_code == 0  # type: ignore
        assert self.invoke(store, world.helper, "--yes").exit_code == 0  # type: ignore
        with CivicVol(store) as app:
            assert app.volunteer(world.barber).contact.name == "[erased]"
            assert app.volunteer(world.helper).contact.name == "[erased]"

"""Nobody gets more than the role they name: credits are bound to the command that registered
their source kind, the system actor is civicvol's own, and nobody audits or spends their own
points."""

from __future__ import annotations

import pytest

from civicvol import Actor, CivicVol, Source
from civicvol.app.authorization import grant
from civicvol.domain import errors
from civicvol.domain.values import SYSTEM
from tests.conftest import ADMIN, POINTS_AUDITOR
from tests.refusal import refused
from tests.world import World, build_world


@pytest.fixture
def world(app: CivicVol) -> World:
    return build_world(app)


class TestCreditsCannotBeWidened:
    def test_a_resident_cannot_credit_points_by_naming_another_command(
            self, world: World) -> None:
        resident = Actor("resident", "r-x")
        with pytest.raises(TypeError):  # there is no command= (nor approved=) to choose
            world.app.credit_points(resident, world.barber, 100_000,  # type: ignore[call-arg]
                                    Source("gift", "1"), approved=True, command="order.place")
        refused(world.app, errors.PermissionDenied, world.app.credit_points, resident,
                world.barber, 100_000, Source("award", "1"))
        assert world.app.point_account(world.barber) is None

    def test_an_unregistered_source_kind_earns_nothing(self, world: World) -> None:
        message = refused(world.app, errors.PermissionDenied, world.app.credit_points, ADMIN,
                          world.barber, 5, Source("gift", "1"))
        assert "'gift'" in message

    @pytest.mark.parametrize("source", [None, "award:1", Source("", "1"), Source("award", "")])
    def test_a_credit_without_a_source_is_refused(self, world: World, source: object) -> None:
        refused(world.app, errors.InvalidInput, world.app.credit_points, ADMIN, world.barber, 5,
                source)

    def test_the_caller_cannot_approve_a_credit_the_scheme_audits(self, world: World) -> None:
        world.app.credit_points(ADMIN, world.barber, 5, Source("award", "a-1"))
        account = world.app.point_account(world.barber)
        assert account is not None and (account.pending, account.balance) == (5, 0)

    def test_a_source_kind_belongs_to_one_command(self) -> None:
        with pytest.raises(ValueError, match=r"belong to tests\.award"):
            grant("thief.steal", "resident", credits=["award"])


class TestTheSystemActor:
    def test_no_public_command_accepts_the_system_actor(self, world: World) -> None:
        for call, args in [(world.app.register_volunteer, ("某", "13600136000", "东庄社区")),
                           (world.app.credit_points, (world.barber, 5, Source("award", "1"))),
                           (world.app.approve_points, (world.barber,))]:
            message = refused(world.app, errors.PermissionDenied, call, SYSTEM, *args)
            assert "system" in message

    def test_nobody_is_granted_the_system_role(self) -> None:
        with pytest.raises(ValueError, match="system"):
            grant("plugin.thing", "system")


class TestSeparationOfDuties:
    def test_a_points_auditor_does_not_approve_or_reject_their_own_credits(
            self, world: World) -> None:
        own = Actor("points-auditor", str(world.barber))
        world.app.credit_points(ADMIN, world.barber, 5, Source("award", "a-1"))
        refused(world.app, errors.PermissionDenied, world.app.approve_points, own, world.barber)
        refused(world.app, errors.PermissionDenied, world.app.reject_points, own, world.barber,
                "E1", "不算")
        world.app.approve_points(POINTS_AUDITOR, world.barber)

    def test_a_station_keeper_does_not_redeem_for_themself(self, world: World) -> None:
        world.app.credit_points(ADMIN, world.barber, 5, Source("award", "a-1"))
        world.app.approve_points(POINTS_AUDITOR, world.barber)
        own = Actor("station-keeper", str(world.barber))
        message = refused(world.app, errors.PermissionDenied, world.app.redeem_points, own,
                          world.barber, 5, "毛巾", "蜂享驿站")
        assert "another station-keeper" in message


class TestOneBadEvent:
    def test_each_fold_survives_an_event_it_cannot_fold_and_names_it(
            self, world: World) -> None:
        from civicvol.app.report import fold_log

        class Counting:
            def __init__(self, broken_at: int = 0) -> None:
                self.broken_at, self.seen = broken_at, 0

            def fold(self, n: object, decode: object) -> None:
                if getattr(n, "id", 0) == self.broken_at:
                    raise ValueError("cannot decode")
                self.seen += 1

        broken, whole = Counting(broken_at=2), Counting()
        problems = fold_log(world.app.all_events(), world.app.mapper, [broken, whole])
        count = world.app.event_count()
        assert (broken.seen, whole.seen) == (count - 1, count)
        assert len(problems) == 1 and problems[0].startswith("event 2 (")


class TestJoiningInBulk:
    def test_ghosts_do_not_join_a_team(self, world: World) -> None:
        import uuid

        refused(world.app, errors.VolunteerNotFound, world.app.join_team_in_bulk, ADMIN,
                world.other_team, [world.helper, uuid.uuid4()])
        assert world.app.membership(world.other_team, world.helper) is None

    def test_an_existing_member_is_named_not_a_concurrent_change(self, world: World) -> None:
        message = refused(world.app, errors.AlreadyMember, world.app.join_team_in_bulk, ADMIN,
                          world.team, [world.barber])
        assert str(world.barber) in message


class TestTextAtTheCommandLine:
    @pytest.mark.parametrize(("args", "said"), [
        (["--as", "resident:r1", "order", "place", "--service", "\udcff"], "not UTF-8"),
        (["--as", "administrator:a1", "volunteer", "register", "--name", "王\x1b[2J伟",
          "--phone", "13800138000", "--community", "东庄社区"], "control character"),
        (["--as", "resident:r\udcff", "order", "place", "--service", "理发"], "not UTF-8"),
        (["--as", "administrator:a1", "team", "create", "--name", "队\x00", "--kind",
          "special"], "control character"),
    ])
    def test_bad_text_is_one_line_of_refusal_and_nothing_stored(
            self, tmp_path: object, args: list[str], said: str) -> None:
        from pathlib import Path

        from click.testing import CliRunner

        from civicvol.cli import cli

        store = f"sqlite:///{Path(str(tmp_path)) / 'cli.db'}"
        result = CliRunner().invoke(cli, ["--store", store, *args])
        assert result.exit_code == 2, result.output
        assert result.exception is None or isinstance(result.exception, SystemExit)
        assert said in result.output
        with CivicVol(store) as app:
            assert app.event_count() == 0

    def test_a_stored_control_character_is_shown_escaped(self) -> None:
        from civicvol.cli.context import cell

        shown = cell("王\x1b[2J伟")
        assert "\x1b" not in shown and shown == "王\\x1b[2J伟"


class TestCertificateRefusals:
    @pytest.mark.parametrize(("extra", "said"), [
        (["--issuer", ""], "issuer is empty"),
        (["--out", "no-such-folder/cert"], "does not exist"),
    ])
    def test_a_certificate_needs_an_issuer_and_an_existing_folder(
            self, tmp_path: object, extra: list[str], said: str) -> None:
        import os
        from pathlib import Path

        from click.testing import CliRunner

        from civicvol.cli import cli

        folder = Path(str(tmp_path))
        store = f"sqlite:///{folder / 'cli.db'}"
        from civicvol.audit.checkpoint import generate_key

        with CivicVol(store) as app:
            barber = build_world(app).barber
        key = folder / "issuer.key"
        generate_key(key)
        cwd = os.getcwd()
        os.chdir(folder)
        try:
            result = CliRunner().invoke(cli, ["--store", store, "certificate", str(barber),
                                              "--key", str(key), *extra])
        finally:
            os.chdir(cwd)
        assert result.exit_code == 2, result.output
        assert said in result.output and "Traceback" not in result.output


class TestReportAsOf:
    @pytest.mark.parametrize(("day", "said"), [("", "is not a date"),
                                               ("2999-01-01", "in the future")])
    def test_an_empty_or_future_day_is_refused(self, tmp_path: object, day: str,
                                               said: str) -> None:
        from pathlib import Path

        from click.testing import CliRunner

        from civicvol.cli import cli

        store = f"sqlite:///{Path(str(tmp_path)) / 'cli.db'}"
        with CivicVol(store) as app:
            build_world(app)
        result = CliRunner().invoke(cli, ["--store", store, "report", "--as-of", day])
        assert result.exit_code == 2, result.output
        assert said in result.output

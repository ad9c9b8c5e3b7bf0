"""Stories of thank-you cards, and civicvol's conformance test case for plug-ins."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from uuid import UUID

import pytest
from civicvol import Actor, CivicVol
from civicvol.plugins.errors import PluginSettingError
from civicvol.plugins.testkit import PluginConformance

from civicvol_thanks import plugin
from civicvol_thanks.errors import CardAlreadySent, OrderNotServed
from civicvol_thanks.service import ThankYouCards

ADMIN = Actor("administrator", "admin-1")
DISPATCHER = Actor("dispatcher", "centre-1")
RESIDENT = Actor("resident", "r-1001")


def served_order(app: CivicVol, complete: bool = True) -> tuple[UUID, UUID]:
    """A resident's order served by a barber: (order id, barber id)."""
    team = app.create_team(ADMIN, "学雷锋志愿理发队", "special", community="东庄社区")
    barber = app.register_volunteer(ADMIN, "李师傅", "13800138000", "东庄社区")
    app.join_team(ADMIN, team, barber)
    order = app.place_order(RESIDENT, "理发")
    app.dispatch_order(DISPATCHER, order, team)
    as_barber = Actor("volunteer", str(barber))
    app.accept_order(as_barber, order)
    if complete:
        app.complete_order(as_barber, order, "1", served=1)
    return order, barber


def cards(app: CivicVol) -> ThankYouCards:
    return app.plugin("thank-you-cards", ThankYouCards)


class TestThankYouCards:
    def test_a_resident_thanks_the_barber_who_earns_two_points(
        self, plugin_district: Callable[..., CivicVol]
    ) -> None:
        app = plugin_district(plugin, name="thank-you-cards")
        order, barber = served_order(app)
        cards(app).send(RESIDENT, order, "谢谢李师傅!")
        account = app.point_account(barber)
        assert account is not None
        assert account.pending == 10 + 2  # an hour of service, and the card

    def test_the_points_per_card_are_a_setting(
        self, plugin_district: Callable[..., CivicVol]
    ) -> None:
        app = plugin_district(plugin, name="thank-you-cards",
                              config={"thank-you-cards": {"points_per_card": 5}})
        order, barber = served_order(app)
        cards(app).send(RESIDENT, order, "谢谢!")
        account = app.point_account(barber)
        assert account is not None and account.pending == 10 + 5

    def test_a_card_may_earn_no_points(self, plugin_district: Callable[..., CivicVol]) -> None:
        app = plugin_district(plugin, name="thank-you-cards",
                              config={"thank-you-cards": {"points_per_card": 0}})
        order, barber = served_order(app)
        cards(app).send(RESIDENT, order, "谢谢!")
        assert cards(app).card(order).volunteer_id == barber
        account = app.point_account(barber)
        assert account is not None and account.pending == 10  # the hour of service only

    def test_a_negative_setting_is_refused_naming_the_plugin_and_key(
        self, plugin_district: Callable[..., CivicVol]
    ) -> None:
        with pytest.raises(PluginSettingError, match="'points_per_card' of plug-in "
                                                     "'thank-you-cards'"):
            plugin_district(plugin, name="thank-you-cards",
                            config={"thank-you-cards": {"points_per_card": -1}})

    def test_an_order_not_yet_completed_cannot_be_thanked_and_nothing_is_stored(
        self, plugin_district: Callable[..., CivicVol]
    ) -> None:
        app = plugin_district(plugin, name="thank-you-cards")
        order, _ = served_order(app, complete=False)
        before = app.event_count()
        with pytest.raises(OrderNotServed):
            cards(app).send(RESIDENT, order, "谢谢!")
        assert app.event_count() == before

    def test_one_card_per_order(self, plugin_district: Callable[..., CivicVol]) -> None:
        app = plugin_district(plugin, name="thank-you-cards")
        order, _ = served_order(app)
        cards(app).send(RESIDENT, order, "谢谢!")
        with pytest.raises(CardAlreadySent):
            cards(app).send(RESIDENT, order, "再次感谢!")


class TestThankYouCardsConform(PluginConformance):
    plugin = plugin
    name = "thank-you-cards"

    def exercise(self, app: CivicVol) -> None:
        order, _ = served_order(app)
        cards(app).send(RESIDENT, order, "谢谢李师傅!")


class TestThankYouCardsCommands:
    """The plug-in's CLI, driven through ``civicvol.cli.cli`` with click's CliRunner on a
    store of the test's own, the plug-in registered for the run."""

    def test_a_resident_sends_a_card_and_anyone_reads_it(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        from civicvol.cli import cli
        from civicvol.cli import plugins as cli_plugins
        from civicvol.plugins.testkit import host_with, open_test_district
        from click.testing import CliRunner

        monkeypatch.setattr(cli_plugins, "_hosts", [host_with({"thank-you-cards": plugin})])
        store = f"sqlite:///{tmp_path / 'cards.db'}"
        app = open_test_district(plugin, "thank-you-cards", store=store)
        order, barber = served_order(app)
        app.close()
        runner = CliRunner()
        sent = runner.invoke(cli, ["--store", store, "--as", "resident:r-1001",
                                   "thank-you-cards", "send", str(order), "--message", "谢谢!"])
        assert sent.exit_code == 0, sent.output
        shown = runner.invoke(cli, ["--store", store, "thank-you-cards", "show", str(order)])
        assert json.loads(shown.stdout)["volunteer_id"] == str(barber)
        again = runner.invoke(cli, ["--store", store, "--as", "resident:r-1001",
                                    "thank-you-cards", "send", str(order), "--message", "再谢"])
        assert again.exit_code != 0 and again.stderr.startswith("error: a card for order")

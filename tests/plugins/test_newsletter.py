"""龙江编辑部 and 《龙江居民简报》: the external ``newsletter`` plug-in, installed from
examples/civicvol-newsletter with pip as a user would, then used through its entry point."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any
from uuid import UUID

import attrs
import pytest

from civicvol import Actor, CivicVol
from civicvol.app.views import district_report
from civicvol.domain.errors import InvalidId, NotAMember, PermissionDenied, VolunteerNotActive
from civicvol.plugins.manager import load_plugins
from civicvol.plugins.testkit import PluginConformance, open_test_district
from tests.conftest import ADMIN, RESIDENT
from tests.plugins.external import civicvol_script, installed_newsletter
from tests.refusal import refused


@pytest.fixture(scope="session")
def newsletter_plugin() -> ModuleType:
    return installed_newsletter()


def errors() -> Any:
    from civicvol_newsletter import errors as newsletter_errors

    return newsletter_errors


@attrs.define
class Longjiang:
    app: CivicVol
    news: Any  # civicvol_newsletter.commands.Newsletter, imported once installed
    team: UUID
    leader: UUID
    editors: list[UUID]
    outsider: UUID
    bulletin: UUID

    @property
    def leader_actor(self) -> Actor:
        return Actor("leader", str(self.leader))

    def editor(self, n: int = 0) -> Actor:
        return Actor("editor", str(self.editors[n]))

    def publish(self, number: int, day: date, editor: int = 0) -> UUID:
        issue: UUID = self.news.publish_issue(self.editor(editor), self.bulletin, number,
                                              f"第{number}期 社区动态", day)
        return issue


def make_longjiang(app: CivicVol) -> Longjiang:
    team = app.create_team(ADMIN, "龙江编辑部", "special", community="龙江社区")
    people = [app.register_volunteer(ADMIN, name, f"1390013{i:04d}", "龙江社区")
              for i, name in enumerate(["周老师", "吴主任", "郑大爷", "孙阿姨"])]
    outsider = app.register_volunteer(ADMIN, "骑手小马", "13700137009", "金实社区")
    for person in people:
        app.join_team(ADMIN, team, person)
    app.appoint_leader(ADMIN, team, people[0])
    news = app.plugin("newsletter")
    bulletin = news.found_bulletin(ADMIN, team)
    leader = Actor("leader", str(people[0]))
    news.appoint_editor(leader, bulletin, people[1], ["lecturer", "调解员"])
    news.appoint_editor(leader, bulletin, people[2], ["informant"])
    return Longjiang(app, news, team, people[0], people[1:], outsider, bulletin)


@pytest.fixture
def lj(newsletter_plugin: ModuleType, store_url: str) -> Iterator[Longjiang]:
    app = open_test_district(newsletter_plugin, "newsletter", store=store_url)
    yield make_longjiang(app)
    app.close()


class TestEditors:
    def test_editors_serve_residents_as_lecturers_mediators_and_informants(
            self, lj: Longjiang) -> None:
        bulletin = lj.news.bulletin(lj.bulletin)
        assert bulletin.title == "《龙江居民简报》"
        assert bulletin.editors == {str(lj.editors[0]): ("lecturer", "mediator"),
                                    str(lj.editors[1]): ("informant",)}
        lj.news.assign_roles(lj.leader_actor, lj.bulletin, lj.editors[1], ["宣讲员", "信息员"])
        assert lj.news.bulletin(lj.bulletin).editors[str(lj.editors[1])] == (
            "lecturer", "informant")

    def test_an_unknown_role_is_refused_with_the_choices(self, lj: Longjiang) -> None:
        message = refused(lj.app, errors().InvalidRole, lj.news.appoint_editor,
                          lj.leader_actor, lj.bulletin, lj.editors[2], ["editor-in-chief"])
        assert "lecturer (宣讲员)" in message and "mediator (调解员)" in message

    def test_only_members_of_the_editorial_team_become_editors(self, lj: Longjiang) -> None:
        refused(lj.app, NotAMember, lj.news.appoint_editor, lj.leader_actor, lj.bulletin,
                lj.outsider, ["informant"])
        refused(lj.app, errors().EditorAlreadyAppointed, lj.news.appoint_editor,
                lj.leader_actor, lj.bulletin, lj.editors[0], ["informant"])
        refused(lj.app, PermissionDenied, lj.news.appoint_editor, lj.editor(), lj.bulletin,
                lj.editors[2], ["informant"])

    def test_an_editor_stands_down_and_no_longer_publishes(self, lj: Longjiang) -> None:
        lj.news.stand_down_editor(lj.leader_actor, lj.bulletin, lj.editors[1], "搬家")
        message = refused(lj.app, errors().NotAnEditor, lj.publish, 1, date(2021, 4, 15), 1)
        assert "appoint-editor" in message

    def test_roles_are_changed_and_editors_stand_down_only_if_they_edit(
            self, lj: Longjiang) -> None:
        refused(lj.app, errors().NotAnEditor, lj.news.assign_roles, lj.leader_actor,
                lj.bulletin, lj.editors[2], ["lecturer"])
        refused(lj.app, errors().NotAnEditor, lj.news.stand_down_editor, lj.leader_actor,
                lj.bulletin, lj.editors[2], "")
        refused(lj.app, errors().InvalidRole, lj.news.assign_roles, lj.leader_actor,
                lj.bulletin, lj.editors[0], [])
        refused(lj.app, PermissionDenied, lj.news.stand_down_editor, lj.editor(1),
                lj.bulletin, lj.editors[0], "")

    def test_an_unknown_bulletin_is_named_as_such(self, lj: Longjiang) -> None:
        message = refused(lj.app, errors().BulletinNotFound, lj.news.bulletin, lj.team)
        assert "civicvol newsletter found" in message

    def test_a_bulletin_is_founded_once_per_team_and_title(self, lj: Longjiang) -> None:
        refused(lj.app, errors().BulletinAlreadyFounded, lj.news.found_bulletin, ADMIN,
                lj.team)
        refused(lj.app, PermissionDenied, lj.news.found_bulletin, lj.leader_actor, lj.team,
                "《龙江青年》")


    def test_a_suspended_leader_changes_no_editors(self, lj: Longjiang) -> None:
        lj.app.suspend_volunteer(ADMIN, lj.leader, "暂停服务")
        refused(lj.app, VolunteerNotActive, lj.news.appoint_editor, lj.leader_actor,
                lj.bulletin, lj.outsider, ["informant"])
        refused(lj.app, VolunteerNotActive, lj.news.assign_roles, lj.leader_actor,
                lj.bulletin, lj.editors[1], ["mediator"])
        refused(lj.app, VolunteerNotActive, lj.news.stand_down_editor, lj.leader_actor,
                lj.bulletin, lj.editors[1], "搬家")


class TestIssues:
    def test_issues_are_numbered_in_order_and_record_their_editors(
            self, lj: Longjiang) -> None:
        first = lj.publish(1, date(2021, 4, 15))
        lj.news.publish_issue(lj.editor(1), lj.bulletin, 2, "第2期 安全提示", "2021-05-15",
                              editors=[lj.editors[1], lj.editors[0]])
        issue = lj.news.issue(lj.bulletin, 2)
        assert (issue.number, issue.published_on, issue.editors) == (
            2, "2021-05-15", (lj.editors[1], lj.editors[0]))
        assert lj.news.issue(lj.bulletin, 1).id == first
        assert lj.news.bulletin(lj.bulletin).last_number == 2

    def test_a_skipped_or_repeated_number_is_refused(self, lj: Longjiang) -> None:
        lj.publish(1, date(2021, 4, 15))
        message = refused(lj.app, errors().IssueOutOfOrder, lj.publish, 3, date(2021, 6, 15))
        assert "the next one is No. 2" in message
        refused(lj.app, errors().IssueOutOfOrder, lj.publish, 1, date(2021, 6, 15))

    def test_an_issue_is_not_dated_before_the_one_before(self, lj: Longjiang) -> None:
        lj.publish(1, date(2021, 4, 15))
        message = refused(lj.app, errors().IssueOutOfOrder, lj.publish, 2, date(2021, 3, 1))
        assert "2021-04-15" in message

    def test_only_editors_publish_and_name_editors(self, lj: Longjiang) -> None:
        refused(lj.app, errors().NotAnEditor, lj.news.publish_issue,
                Actor("editor", str(lj.outsider)), lj.bulletin, 1, "x", "2021-04-15")
        refused(lj.app, errors().NotAnEditor, lj.news.publish_issue, lj.editor(), lj.bulletin,
                1, "x", "2021-04-15", editors=[lj.outsider])
        refused(lj.app, PermissionDenied, lj.news.publish_issue, RESIDENT, lj.bulletin, 1, "x",
                "2021-04-15")
        message = refused(lj.app, errors().InvalidIssue, lj.news.publish_issue,
                          lj.leader_actor, lj.bulletin, 1, "x", "2021-04-15")
        assert "name the editors" in message

    def test_a_leader_publishes_only_for_the_team_they_lead(self, lj: Longjiang) -> None:
        other = lj.app.create_team(ADMIN, "金实骑手", "special", community="金实社区")
        lj.app.join_team(ADMIN, other, lj.outsider)
        lj.app.appoint_leader(ADMIN, other, lj.outsider)
        refused(lj.app, PermissionDenied, lj.news.publish_issue,
                Actor("leader", str(lj.outsider)), lj.bulletin, 1, "x", "2021-04-15",
                editors=[lj.editors[0]])
        lj.news.publish_issue(lj.leader_actor, lj.bulletin, 1, "第1期", "2021-04-15",
                              editors=[lj.editors[0]])

    def test_bad_titles_dates_and_ids_are_refused(self, lj: Longjiang) -> None:
        refused(lj.app, errors().InvalidIssue, lj.news.publish_issue, lj.editor(), lj.bulletin,
                1, "  ", "2021-04-15")
        message = refused(lj.app, errors().InvalidIssue, lj.news.publish_issue, lj.editor(),
                          lj.bulletin, 1, "第1期", "15/04/2021")
        assert "YYYY-MM-DD" in message
        refused(lj.app, InvalidId, lj.news.publish_issue, lj.editor(), "no-such-bulletin", 1,
                "第1期", "2021-04-15")

    def test_the_report_section_counts_issues_and_editors_by_role(self, lj: Longjiang) -> None:
        for n, day in enumerate([date(2021, 4, 15), date(2021, 5, 15), date(2022, 1, 15)], 1):
            lj.publish(n, day, editor=n % 2)
        figures = district_report(lj.app)["newsletter"]
        assert figures["issues_published"] == 3
        assert figures["issues_by_year"] == {"2021": 2, "2022": 1}
        assert figures["latest_issue"] == "No. 3 第3期 社区动态 (2022-01-15)"
        assert figures["editors"] == 2
        assert figures["editors_by_role"] == {"lecturer 宣讲员": 1, "mediator 调解员": 1,
                                              "informant 信息员": 1}


class TestInstalledLikeAUser:
    """The plug-in as ``pip install ./examples/civicvol-newsletter`` leaves it: found through
    the entry point by a fresh ``civicvol`` process."""

    def run(self, *args: str, store: str | None = None, actor: str | None = None,
            ok: bool = True) -> subprocess.CompletedProcess[str]:
        argv = [str(civicvol_script()), *(["--store", store] if store else []),
                *(["--as", actor] if actor else []), *args]
        done = subprocess.run(argv, capture_output=True, text=True, timeout=120)
        if ok:
            assert done.returncode == 0, done.stderr
        return done

    def test_civicvol_plugins_lists_it_as_external(self, newsletter_plugin: ModuleType) -> None:
        listed = json.loads(self.run("plugins", "--json").stdout)
        (record,) = [r for r in listed if r["name"] == "newsletter"]
        assert (record["kind"], record["status"], record["version"]) == (
            "external", "loaded", "0.1.0")
        assert "report_sections" in record["hooks"] and "register_commands" in record["hooks"]
        assert record["permissions"]["newsletter.publish"] == ["editor", "leader"]
        host = load_plugins()
        assert host.records["newsletter"].plugin is newsletter_plugin

    def test_its_commands_and_report_section_work_from_the_command_line(
            self, newsletter_plugin: ModuleType, tmp_path: Path) -> None:
        store = f"sqlite:///{tmp_path / 'longjiang.db'}"
        with closing(open_test_district(newsletter_plugin, "newsletter", store=store)) as app:
            team = app.create_team(ADMIN, "龙江编辑部", "special", community="龙江社区")
            editor = app.register_volunteer(ADMIN, "周老师", "13900130001", "龙江社区")
            app.join_team(ADMIN, team, editor)
        bulletin = self.run("newsletter", "found", str(team), store=store,
                            actor="administrator:a").stdout.strip().splitlines()[-1]
        self.run("newsletter", "appoint-editor", bulletin, str(editor), "--role", "宣讲员",
                 "--role", "informant", store=store, actor="administrator:a")
        self.run("newsletter", "publish", bulletin, "--number", "1", "--title", "第1期 创刊",
                 "--date", "2021-04-15", store=store, actor=f"editor:{editor}")
        bad = self.run("newsletter", "publish", bulletin, "--number", "3", "--title", "第3期",
                       "--date", "2021-06-15", store=store, actor=f"editor:{editor}", ok=False)
        assert bad.returncode != 0
        assert bad.stderr.strip().splitlines() == [
            "error: 《龙江居民简报》 has 1 issues; the next one is No. 2, not No. 3"]
        self.run("newsletter", "assign-roles", bulletin, str(editor), "--role", "调解员",
                 "--role", "informant", store=store, actor="administrator:a")
        shown = json.loads(self.run("newsletter", "show", bulletin, "--json",
                                    store=store).stdout)
        assert (shown["issues"], shown["editors"]) == (1, [f"{editor}: 调解员/信息员"])
        figures = json.loads(self.run("newsletter", "figures", "--json", store=store).stdout)
        assert figures["editors_by_role"]["mediator 调解员"] == 1
        self.run("newsletter", "stand-down", bulletin, str(editor), "--reason", "搬家",
                 store=store, actor="administrator:a")
        report = json.loads(self.run("report", "--json", store=store).stdout)
        assert (report["newsletter"]["issues_published"], report["newsletter"]["editors"]) == (
            1, 0)
        assert report["newsletter"]["latest_issue"] == "No. 1 第1期 创刊 (2021-04-15)"


class TestNewsletterConforms(PluginConformance):
    name = "newsletter"

    @property  # type: ignore[override]
    def plugin(self) -> object:
        return installed_newsletter()

    def exercise(self, app: CivicVol) -> None:
        lj = make_longjiang(app)
        lj.publish(1, date(2021, 4, 15))
        lj.publish(2, date(2021, 5, 15), editor=1)
        lj.news.assign_roles(lj.leader_actor, lj.bulletin, lj.editors[1], ["mediator"])
        lj.news.stand_down_editor(lj.leader_actor, lj.bulletin, lj.editors[1], "搬家")

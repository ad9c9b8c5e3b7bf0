"""The Panlong District demo: the district of the 2024 article, built through the application.

At full scale: 369 teams (1 corps, 8 standing, 360 special), 153,523 volunteers and 1,821
centre activities (several volunteers each) placed, reviewed, dispatched, accepted, closed
with their attendance and rated across 2023 and the first half of 2024, 96 requests the
review rejected, with the points they earned audited and some of them redeemed at the centre's
gift counter (a station with a catalogue and stock: the volunteer takes a one-time code, the
keeper redeems it); points stay valid one year, as in 黄石, and what was not spent in time
expires, each month when the centre runs the expiry. Everything goes
through the application's commands (bulk registration in large transactions), and every event
is dated when it happened, so reports "as of" a date see the district as it was.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import UUID

import attrs

from civicvol.app.application import CivicVol
from civicvol.app.report import event_topic
from civicvol.domain.demo_run import DemoRun
from civicvol.domain.errors import InvalidInput, StoreNotEmpty
from civicvol.domain.values import Actor
from civicvol.i18n import _
from civicvol.store import store_name

FULL_TEAMS = (1, 8, 360)
FULL_VOLUNTEERS = 153_523
FULL_ORDERS = 1_821
FULL_REJECTED = 96  # requests the centre's review turned down (about 5%)
CREW_SIZES = (2, 3, 3, 4, 5)  # volunteers per centre activity
START = datetime(2023, 1, 1, 1, 0, tzinfo=UTC)
END = datetime(2024, 6, 20, 1, 0, tzinfo=UTC)
BATCH = 5_000
CENTRE_STATION = "盘龙区新时代文明实践中心"

ADMIN = Actor("administrator", "panlong-centre")
DISPATCHER = Actor("dispatcher", "panlong-centre")
POINTS_AUDITOR = Actor("points-auditor", "panlong-points")
STATION_KEEPER = Actor("station-keeper", "panlong-station")

# (sub-district, community) named in the article; the rest of the district is synthetic.
ARTICLE_COMMUNITIES = [
    ("龙泉街道", "龙江社区"), ("拓东街道", "东庄社区"), ("金辰街道", "天祥社区"),
    ("联盟街道", "金星社区"), ("联盟街道", "金实社区"),
]
SUB_DISTRICTS = ["拓东街道", "鼓楼街道", "东华街道", "联盟街道", "金辰街道", "青云街道",
                 "龙泉街道", "茨坝街道", "双龙街道", "松华街道", "滇源街道", "阿子营街道"]
# The article's special teams: (name, community). Plug-ins bring their features to them.
ARTICLE_TEAMS = [
    ("龙江编辑部", "龙江社区"), ("龙江爱心织女队", "龙江社区"), ("学雷锋志愿理发队", "东庄社区"),
    ("老街坊", "天祥社区"), ("安全小红帽", "金星社区"), ("先锋骑手", "金实社区"),
]
STANDING_TEAMS = ["理论宣讲队", "文化文艺队", "助老助残队", "平安守护队", "环境卫生队",
                  "医疗卫生队", "法律服务队", "应急救援队"]
SERVICES = ["助老陪伴", "理发", "家电维修", "健康义诊", "法律咨询", "儿童课业辅导", "环境清扫",
            "心理疏导", "政策宣讲", "助残出行"]
# The district's catalogue: a code and an English name for each service above (理发 comes
# from the haircut-days plug-in when it is loaded).
CATALOGUE = {"助老陪伴": ("elder-company", "Elderly company", "助老助残"),
             "理发": ("haircut", "Haircut", "生活服务"),
             "家电维修": ("appliance-repair", "Appliance repair", "生活服务"),
             "健康义诊": ("health-check", "Free health check", "医疗卫生"),
             "法律咨询": ("legal-advice", "Legal advice", "法律服务"),
             "儿童课业辅导": ("homework-help", "Homework help", "关爱儿童"),
             "环境清扫": ("street-cleaning", "Street cleaning", "环境卫生"),
             "心理疏导": ("counselling", "Counselling", "医疗卫生"),
             "政策宣讲": ("policy-talk", "Policy talk", "理论宣讲"),
             "助残出行": ("mobility-help", "Mobility help for the disabled", "助老助残")}
BENEFICIARIES = ["elderly", "left-behind children", "disabled"]
# Orders the centre rejects at review: a service of the catalogue asked for what volunteers do
# not do (the description says what), with the reason the resident sees.
REJECTED_REQUESTS = [("助老陪伴", "长期住家保姆，按月照护", "属于有偿家政服务，请联系家政公司"),
                     ("家电维修", "整屋上门装修", "不在志愿服务范围内，请联系社区服务中心"),
                     ("助老陪伴", "代购处方药品", "涉及用药安全，请联系社区卫生服务站"),
                     ("环境清扫", "帮忙搬家", "不在志愿服务范围内，请联系社区服务中心"),
                     ("法律咨询", "", "信息不完整，请补充地址后重新下单")]
GIFTS = [("毛巾", 20), ("大米", 50), ("食用油", 80), ("洗衣液", 40)]
GIFT_STOCK = 30  # of each gift when the counter opens; the keeper restocks what runs out
POINTS_VALIDITY = "1y"
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建文辉云"

Progress = Callable[[str, int, int], None]


@attrs.define
class District:
    """What the demo built, for the plug-ins' parts and for the report."""

    scale: float
    rng: random.Random
    teams: dict[str, UUID] = attrs.Factory(dict)
    team_community: dict[UUID, str] = attrs.Factory(dict)
    members: dict[UUID, list[UUID]] = attrs.Factory(dict)
    communities: list[tuple[str, str]] = attrs.Factory(list)
    start: datetime = START
    end: datetime = END

    def scaled(self, full: int, least: int = 1) -> int:
        return max(least, round(full * self.scale))


def build_panlong(app: CivicVol, scale: float = 1.0, seed: int = 2024,
                  progress: Progress | None = None, *, into_existing: bool = False) -> District:
    """Build the district into ``app``'s store; ``progress(stage, done, total)`` reports.

    The store must be empty (:class:`StoreNotEmpty`), unless ``into_existing``: a second
    district stacked on a first one is a muddle no report can untangle. The run's start and
    end are recorded (:class:`DemoRun`), so an interrupted demo is named as such.
    """
    if not 0 < scale <= 1:
        raise InvalidInput(_("scale {scale} is out of range; give a number above 0 and at "
                             "most 1").format(scale=scale))
    if app.event_count() and not into_existing:
        interrupted = _(" (an interrupted demo)") if interrupted_demos(app) else ""
        raise StoreNotEmpty(
            _("store {store} already holds a district{interrupted}: {events} events; build the "
              "demo into a new store, or ask for a second district to be built into it").format(
              store=store_name(app.store_url), interrupted=interrupted,
              events=app.event_count())).hinted(
              _("give --store sqlite:///demo.db, or add --into-existing"))
    report = _keeping_views_current(app, progress or (lambda stage, done, total: None))
    district = District(scale=scale, rng=random.Random(seed))
    run = DemoRun(scale=scale, seed=seed, by=ADMIN)
    app.commit("demo.start", ADMIN, run)
    with app.bulk_import():
        _build_catalogue(app, district)
        _build_teams(app, district)
        report("teams", len(district.teams), len(district.teams))
        _register_volunteers(app, district, report)
        _run_orders(app, district, report)
        app.extensions.build_demo(app, district, report)
    run.finish(by=ADMIN)  # after the import is durable: Finished means all of it is kept
    app.commit("demo.finish", ADMIN, run)
    return district


def _keeping_views_current(app: CivicVol, report: Progress, every: int = 20_000) -> Progress:
    """Report progress, and fold the new events into the views every ``every`` events and at
    the end of each stage, so the views are current when the demo is built."""
    folded = [app.views.head()]

    def progress(stage: str, done: int, total: int) -> None:
        head = app.event_count()
        if head - folded[0] >= every or done >= total:
            app.views.catch_up(force=True)
            folded[0] = head
        report(stage, done, total)

    return progress


def interrupted_demos(app: CivicVol) -> list[UUID]:
    """The demo runs that started in this store and never finished."""
    started, finished = (event_topic(DemoRun, "Started"), event_topic(DemoRun, "Finished"))
    runs: dict[UUID, bool] = {}
    for n in app.all_events(topics=(started, finished)):
        runs[UUID(str(n.originator_id))] = n.topic == finished
    return [run for run, done in runs.items() if not done]


def interrupted_demo_warning(app: CivicVol) -> str:
    """A warning line for a store holding an interrupted demo ('' if it holds none)."""
    if not interrupted_demos(app):
        return ""
    return ("warning: this store holds an interrupted demo (started, never finished): its "
            "figures are a half-built district; build the demo again into a new store")


def _build_teams(app: CivicVol, d: District) -> None:
    special_count = d.scaled(FULL_TEAMS[2], least=len(ARTICLE_TEAMS))
    standing_count = d.scaled(FULL_TEAMS[1])
    synthetic = [(s, f"{s[:-2]}第{i}社区") for i in range(1, 30) for s in SUB_DISTRICTS]
    d.communities = ARTICLE_COMMUNITIES + synthetic
    with app.events_dated(d.start - timedelta(days=30)):
        # A district has one corps: a demo built into an existing store joins the one there.
        existing = app.views.teams.list(kind="corps", include_dissolved=False, limit=1)
        corps = (UUID(existing[0]["id"]) if existing
                 else app.create_team(ADMIN, "盘龙区新时代文明实践志愿服务总队", "corps"))
        d.teams["corps"] = corps
        for name in STANDING_TEAMS[:standing_count]:
            d.teams[name] = app.create_team(ADMIN, name, "standing", parent=corps)
        specials = list(ARTICLE_TEAMS)
        for i in range(special_count - len(ARTICLE_TEAMS)):
            _, community = d.communities[len(ARTICLE_COMMUNITIES) + i % len(synthetic)]
            specials.append((f"{community}特色志愿服务队{i // len(synthetic) + 1}", community))
        for name, community in specials:
            d.teams[name] = app.create_team(ADMIN, name, "special", parent=corps,
                                            community=community)
            d.team_community[d.teams[name]] = community


def _register_volunteers(app: CivicVol, d: District, report: Progress) -> None:
    """Everyone is registered and joins one team: 30% the corps, 15% the standing teams,
    the rest the special teams, in transactions of BATCH volunteers."""
    total = d.scaled(FULL_VOLUNTEERS, least=len(d.teams) * 2)
    team_ids = list(d.teams.values())
    standing = [t for n, t in d.teams.items() if n in STANDING_TEAMS]
    special = [t for t in team_ids if t in d.team_community]
    rng = d.rng
    done = 0
    with app.events_dated(d.start - timedelta(days=20)):
        while done < total:
            size = min(BATCH, total - done)
            people = []
            chosen: list[UUID] = []
            for i in range(done, done + size):
                # The first volunteers fill every team, so no team is empty.
                team = team_ids[i] if i < len(team_ids) else _pick_team(rng, d, standing,
                                                                         special)
                community = d.team_community.get(team) or rng.choice(d.communities)[1]
                name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
                phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
                people.append((name, phone, community, ()))
                chosen.append(team)
            ids = app.register_volunteers(ADMIN, people)
            by_team: dict[UUID, list[UUID]] = {}
            for volunteer, team in zip(ids, chosen, strict=True):
                by_team.setdefault(team, []).append(volunteer)
            for team, volunteers in by_team.items():
                app.join_team_in_bulk(ADMIN, team, volunteers)
                d.members.setdefault(team, []).extend(volunteers)
            done += size
            report("volunteers", done, total)


def _build_catalogue(app: CivicVol, d: District) -> None:
    """The services residents order, added before the first order (a plug-in's stay its)."""
    offered = {s.code for s in app.services()}
    with app.events_dated(d.start - timedelta(days=1)):
        for name_zh, (code, name_en, group) in CATALOGUE.items():
            if code not in offered:
                app.add_service(ADMIN, code, name_zh, name_en, group=group,
                                keywords=[name_zh])


def _pick_team(rng: random.Random, d: District, standing: list[UUID],
               special: list[UUID]) -> UUID:
    roll = rng.random()
    if roll < 0.30:
        return d.teams["corps"]
    if roll < 0.45 and standing:
        return rng.choice(standing)
    return rng.choice(special)


def _run_orders(app: CivicVol, d: District, report: Progress) -> None:
    """Each order goes round the whole cycle, dated over 2023 and the first half of 2024:
    the centre reviews it (审单), dispatches it, and it is served as an activity by several
    of the team's volunteers (the centre starts and closes it with the attendance), then
    rated. Some requests the review rejects. The points auditor approves each month's
    credits, and some volunteers redeem gifts."""
    total = d.scaled(FULL_ORDERS, least=10)
    rng = d.rng
    # The cycle's own draws come from a generator of their own, so the district's (and the
    # plug-ins' parts after it) stay as they were before activities and review.
    cycle = random.Random(total)
    span = (d.end - d.start).total_seconds()
    placed_at = sorted(d.start + timedelta(seconds=rng.random() * span) for _ in range(total))
    serving = [t for t in d.teams.values() if t != d.teams["corps"]]
    _open_the_counter(app, d.start - timedelta(days=1))
    earners: set[UUID] = set()
    with app.events_dated(d.start - timedelta(days=1)):
        app.change_district_setting(ADMIN, "review_orders", True)
    _rejected_requests(app, d, cycle, d.scaled(FULL_REJECTED, least=1))
    month = placed_at[0].month if placed_at else 0
    for n, when in enumerate(placed_at, 1):
        if when.month != month:
            _audit_points(app, earners, when - timedelta(hours=2), rng)
            month = when.month
        resident = Actor("resident", f"r-{rng.randrange(1, total * 3):05d}")
        team = rng.choice(serving)
        first = rng.choice(d.members[team])
        others = [v for v in d.members[team] if v != first]
        crew = [first, *cycle.sample(others, min(len(others), cycle.choice(CREW_SIZES) - 1))]
        with app.events_dated(when):
            order = app.place_order(resident, rng.choice(SERVICES),
                                    place=d.team_community.get(team, "盘龙区"),
                                    beneficiaries=[rng.choice(BENEFICIARIES)],
                                    volunteers=len(crew))
        with app.events_dated(when + timedelta(minutes=30)):
            app.review_order(DISPATCHER, order, True)
        with app.events_dated(when + timedelta(hours=1)):
            app.dispatch_order(DISPATCHER, order, team)
        for k, volunteer in enumerate(crew):
            with app.events_dated(when + timedelta(hours=3, minutes=k)):
                app.accept_order(Actor("volunteer", str(volunteer)), order)
        hours = Decimal(rng.choice(["1", "1.5", "2", "2.5", "3", "4"]))
        served = rng.randint(1, 12)
        with app.events_dated(when + timedelta(hours=26)):
            if len(crew) == 1:
                app.complete_order(Actor("volunteer", str(first)), order, hours, served=served)
            else:
                app.start_activity(DISPATCHER, order)
                app.close_activity(DISPATCHER, order, dict.fromkeys(map(str, crew), str(hours)),
                                   served=served)
        with app.events_dated(when + timedelta(hours=50)):
            app.rate_order(resident, order, rng.choices([5, 4, 3], [80, 17, 3])[0])
        earners.update(crew)
        if n % 50 == 0 or n == total:
            report("orders", n, total)
    _audit_points(app, earners, d.end + timedelta(days=3), rng)
    # The plug-ins' parts that follow place their orders the way they always have, unreviewed.
    with app.events_dated(d.end + timedelta(days=4)):
        app.change_district_setting(ADMIN, "review_orders", False)


def _rejected_requests(app: CivicVol, d: District, cycle: random.Random, count: int) -> None:
    """Requests the centre's review turns down, each with the reason the resident sees."""
    span = (d.end - d.start).total_seconds()
    for _turn in range(count):
        when = d.start + timedelta(seconds=cycle.random() * span)
        with app.events_dated(when):
            service, asked, reason = cycle.choice(REJECTED_REQUESTS)
            order = app.place_order(Actor("resident", f"r-{cycle.randrange(1, 99_999):05d}"),
                                    service, asked)
        with app.events_dated(when + timedelta(hours=2)):
            app.review_order(DISPATCHER, order, False, reason)


def _open_the_counter(app: CivicVol, when: datetime) -> None:
    """The centre keeps points a year and opens its gift counter with a stock of each gift."""
    with app.events_dated(when):
        app.set_points_validity(ADMIN, POINTS_VALIDITY)
        if app.find_station(CENTRE_STATION) is not None:  # a second district in one store
            return
        app.open_station(ADMIN, CENTRE_STATION, "盘龙区")
        for gift, price in GIFTS:
            app.add_gift(ADMIN, CENTRE_STATION, gift, price, GIFT_STOCK)


def _audit_points(app: CivicVol, earners: set[UUID], when: datetime,
                  rng: random.Random) -> None:
    """The month's audit, then the expiry of what is a year old, then a few redemptions."""
    with app.events_dated(when):
        for volunteer in sorted(earners):
            app.approve_points(POINTS_AUDITOR, volunteer)
        app.expire_points(ADMIN)
        for volunteer in sorted(earners):
            account = app.point_account(volunteer)
            affordable = [g for g in GIFTS if account and g[1] <= account.balance]
            if affordable and rng.random() < 0.25:
                gift, _ = rng.choice(affordable)
                if app.station(CENTRE_STATION).check_gift(gift).stock == 0:
                    app.restock_gift(STATION_KEEPER, CENTRE_STATION, gift, GIFT_STOCK)
                code, _ = app.issue_redemption_code(Actor("volunteer", str(volunteer)),
                                                    CENTRE_STATION, gift)
                app.redeem_code(STATION_KEEPER, CENTRE_STATION, code)
    earners.clear()

"""The ``haircut-days`` plug-in: its hooks, registered in the entry-point group ``civicvol``.

Settings (``[plugins.haircut-days]`` in civicvol.toml)::

    points_per_session = 10       # points each barber earns per session held
    calendar_fallback = "error"   # or "weekdays": Monday–Friday outside the official
                                  # calendar's years (an approximation: no holidays, no 调休)
    session_start = "09:00"       # Beijing time, for the iCalendar file
    session_hours = 3
    place = "东庄社区新时代文明实践站"
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from civicvol.plugins.haircut_days.permissions import CREDITS, PERMISSIONS, SESSION_SOURCE
from civicvol.plugins.haircut_days.settings import (
    HaircutSettings,
    check_clock,
    check_fallback,
    check_points_per_session,
    check_session_hours,
)
from civicvol.plugins.markers import hookimpl
from civicvol.plugins.settings import Setting

if TYPE_CHECKING:
    import click

    from civicvol.app.application import CivicVol
    from civicvol.demo import District
    from civicvol.domain.service_catalogue import ServiceDefinition
    from civicvol.plugins.haircut_days.commands import HaircutDays
    from civicvol.plugins.haircut_days.report import HaircutFigures

civicvol_requires = ">=0.1,<0.2"
NAME = "haircut-days"


@hookimpl
def register_settings() -> Mapping[str, Setting]:
    d = HaircutSettings()
    return {
        "points_per_session": Setting(d.points_per_session, "points each barber earns for a "
                                      "session held (pending the points audit)",
                                      check_points_per_session),
        "calendar_fallback": Setting(d.calendar_fallback.value, "'error' refuses dates "
                                     "outside the official working-day calendar; 'weekdays' "
                                     "takes Monday to Friday there (an approximation)",
                                     check_fallback),
        "session_start": Setting(d.session_start.strftime("%H:%M"), "when a session begins "
                                 "(Beijing time)", check_clock),
        "session_hours": Setting(d.session_hours, "how long a session lasts",
                                 check_session_hours),
        "place": Setting(d.place, "where the sessions are held"),
    }


@hookimpl
def register_permissions(grant: Callable[..., None]) -> None:
    for command, roles in PERMISSIONS.items():
        grant(command, *roles, credits=CREDITS.get(command, ()))


@hookimpl
def check_settings(settings: Mapping[str, Any]) -> None:
    """The session's start must read as a time of day, the fallback as a known rule."""
    HaircutSettings.from_mapping(settings)


@hookimpl
def register_service(app: CivicVol, settings: Mapping[str, Any]) -> HaircutDays:
    from civicvol.plugins.haircut_days.commands import HaircutDays

    return HaircutDays(app, HaircutSettings.from_mapping(settings))


@hookimpl
def register_services() -> list[ServiceDefinition]:
    """理发, and 上门理发 (the home visit a resident asks for between the monthly sessions)."""
    from civicvol.domain.service_catalogue import AttributeValue, ServiceAttribute
    from civicvol.domain.service_catalogue import ServiceDefinition as Definition

    mobility = ServiceAttribute.checked(
        "mobility", "singlevaluelist", "理发对象的行动情况 / how the resident gets about",
        required=False, order=1,
        values=[AttributeValue.checked("walks", "能到站点 / can come to the station"),
                AttributeValue.checked("bedridden", "需上门 / needs a home visit")])
    from civicvol.plugins.haircut_days.settings import HOME_VISIT_SERVICE

    return [Definition.checked("haircut", "理发", "Haircut", group="生活服务",
                               keywords=["理发", "剪发", "haircut"],
                               description="学雷锋志愿理发队的免费理发 / free haircuts by the "
                                           "Lei Feng barbers", attributes=[mobility]),
            Definition.checked("haircut-home-visit", HOME_VISIT_SERVICE, "Home-visit haircut",
                               group="生活服务", keywords=["上门", "理发"],
                               description="行动不便的居民请理发师上门 / a barber comes to a "
                                           "resident who cannot get about")]


@hookimpl
def register_commands(cli: click.Group) -> None:
    from civicvol.plugins.haircut_days.cli import haircut_days

    cli.add_command(haircut_days)


@hookimpl
def report_sections() -> HaircutFigures:
    from civicvol.plugins.haircut_days.report import HaircutFigures

    return HaircutFigures(SESSION_SOURCE)


@hookimpl
def build_demo(app: CivicVol, district: District,
               progress: Callable[[str, int, int], None]) -> None:
    from civicvol.plugins.haircut_days.commands import HaircutDays
    from civicvol.plugins.haircut_days.demo import build_haircut_demo

    build_haircut_demo(app, app.plugin(NAME, HaircutDays), district, progress)

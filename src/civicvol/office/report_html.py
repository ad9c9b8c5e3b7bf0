"""The district report as one self-contained HTML page: figures, the 点单→派单→接单→评单
funnel and charts (inline SVG), each plug-in's section with its charts; printable on A4.

Every number comes from the district report (views now, or the events up to a past day) and
:mod:`civicvol.office.report_figures`; every label goes through :mod:`civicvol.i18n`. The
page loads nothing: no script, no font, no image from anywhere (the charts' glyphs are paths).
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from civicvol import i18n
from civicvol.app.application import CivicVol
from civicvol.domain import clock
from civicvol.domain.clock import DISTRICT_TIME
from civicvol.domain.errors import CivicVolError, InvalidInput
from civicvol.i18n import N_, _
from civicvol.office.charts import Chart, chart_svg, charts_of
from civicvol.office.extra import office_module
from civicvol.office.report_figures import FUNNEL, STATUSES, ChartFigures, from_views

CORE = ("teams", "volunteers", "orders", "cycle", "service", "points")
SKIP = ("store", "events", "as_of", "until")
TOP_TEAMS = 15

# The labels of the core figures, translated where shown.
LABELS = {
    "teams": N_("Teams"), "volunteers": N_("Volunteers"), "orders": N_("Service orders"),
    "service": N_("Service"), "points": N_("Points"),
    "total": N_("Teams in service"), "corps": N_("Volunteer corps"),
    "standing": N_("Standing teams"), "special": N_("Special teams"),
    "dissolved": N_("Dissolved teams"), "communities": N_("Communities"),
    "largest": N_("Largest team"), "registered": N_("Registered"), "active": N_("Active"),
    "suspended": N_("Suspended"), "left": N_("Left the service"),
    "memberships": N_("Team memberships"), "placed": N_("Placed"), "open": N_("Open"),
    "completed": N_("Completed"), "rated": N_("Rated"), "cancelled": N_("Cancelled"),
    "declines": N_("Declined by a team"), "average_stars": N_("Average stars"),
    "hours": N_("Service hours"), "people_served": N_("People served"),
    "credited": N_("Credited"), "approved": N_("Approved"), "pending": N_("Pending approval"),
    "rejected": N_("Rejected"), "reversed": N_("Reversed"), "redeemed": N_("Redeemed"),
    "redemptions": N_("Redemptions"), "outstanding": N_("Outstanding (approved, not redeemed)"),
    "dispatched": N_("Dispatched"), "accepted": N_("Accepted"),
}
STAGE_LABELS = {"placed": N_("Ordered (点单)"), "dispatched": N_("Dispatched (派单)"),
                "accepted": N_("Accepted (接单)"), "completed": N_("Served"),
                "rated": N_("Rated (评单)")}
STATUS_LABELS = {"reviewing": N_("Under review"), "placed": N_("Waiting for dispatch"),
                 "offered": N_("Offered to teams"), "dispatched": N_("Dispatched"),
                 "accepted": N_("In service"), "completed": N_("Completed"),
                 "rated": N_("Rated"), "closed-unrated": N_("Closed unrated"),
                 "rejected": N_("Rejected"), "cancelled": N_("Cancelled")}
POINT_BARS = ("credited", "approved", "pending", "rejected", "reversed", "redeemed")


def write_report_html(app: CivicVol, path: Path, *, lang: str = "zh_CN",
                      as_of: date | None = None) -> dict[str, Any]:
    """Write the page to ``path``; returns the report it shows (for the CLI's summary)."""
    if not path.parent.is_dir():
        raise InvalidInput(_("{path}: the folder {folder} does not exist; create it or "
                             "write the report into an existing folder").format(
                                 path=path, folder=path.parent))
    page, report = report_html(app, lang=lang, as_of=as_of)
    path.write_text(page, encoding="utf-8")
    return report


def report_html(app: CivicVol, *, lang: str = "zh_CN",
                as_of: date | None = None) -> tuple[str, dict[str, Any]]:
    """The page and the report it shows, in ``lang`` (zh_CN or en)."""
    if i18n.normalise(lang) is None:
        raise InvalidInput(_("language {lang!r} is not one of {languages}").format(
            lang=lang, languages=", ".join(i18n.LANGUAGES)))
    report, extra, sections = report_figures(app, as_of)
    office_module("matplotlib")  # refused in the caller's language, before the page's
    with i18n.speaking(lang):
        return _page(report, extra, sections), report


def report_figures(app: CivicVol, as_of: date | None
                   ) -> tuple[dict[str, Any], dict[str, Any], list[Any]]:
    """The district report, the chart figures and the plug-ins' sections: now (from the
    views) or as of the end of a past day (folded from its events)."""
    if as_of is None:
        from civicvol.app.views import district_report

        return district_report(app), from_views(app), app.extensions.report_sections(app)
    from civicvol.app.views import fold_report
    from civicvol.audit.asof import end_of_day, events_before

    # As civicvol.audit.asof.district_report_as_of, with the chart figures folded alongside.
    moment = end_of_day(as_of)
    with clock.frozen_at(moment - timedelta(microseconds=1)):
        sections = app.extensions.report_sections(app)
    chart_fold, seen = ChartFigures(), [0]

    def counted() -> Iterator[Any]:
        for n in events_before(app, moment):
            seen[0] += 1
            yield n

    figures = fold_report(app, counted(), sections=sections, also=[chart_fold])
    report = {"store": app.store_url, "as_of": as_of.isoformat(), "until": moment.isoformat(),
              "events": seen[0], **figures}
    return report, chart_fold.as_dict(), sections



# --- the page ----------------------------------------------------------------------------------
def _page(report: dict[str, Any], extra: dict[str, Any], sections: Sequence[Any]) -> str:
    now = clock.now().astimezone(DISTRICT_TIME).strftime("%Y-%m-%d %H:%M")
    if "as_of" in report:
        stand = _("Figures as of the end of {day} (Asia/Shanghai)").format(day=report["as_of"])
    else:
        stand = _("Figures as of {moment} (Asia/Shanghai)").format(moment=now)
    made = _("Made {moment}").format(moment=now)
    events = i18n.ngettext("{n} event", "{n} events", report["events"]).format(
        n=report["events"])
    parts = [
        f"<header><h1>{_e(_('District volunteer service report'))}</h1>"
        f"<p class='meta'>{_e(stand)} · {_e(events)}"
        f" · {_e(made)}</p></header>",
        _section(_("District figures"), _figure_tables(report)),
        _section(_("The order cycle: 点单 → 派单 → 接单 → 评单"), _charts([
            Chart(_("Orders reaching each stage"),
                  tuple(_(STAGE_LABELS[s]) for s in FUNNEL),
                  [("", tuple(extra["funnel"][s] for s in FUNNEL))], "funnel",
                  _("orders")),
            Chart(_("Orders per month by stage"), tuple(extra["by_month"]),
                  [(_(STATUS_LABELS[s]), tuple(m[s] for m in extra["by_month"].values()))
                   for s in STATUSES], "stacked", _("orders")),
        ])),
        _section(_("Services and communities"), _charts([
            Chart.of(_("Orders by service"), report["orders"]["by_service"], "barh",
                     _("orders")),
            Chart(_("Orders by community"),
                  tuple(c or _("(not dispatched to a team)") for c in extra["by_community"]),
                  [("", tuple(v["orders"] for v in extra["by_community"].values()))], "barh",
                  _("orders")),
        ])),
        _section(_("Hours by team"), _charts([_team_hours(extra["hours_by_team"])])),
        _section(_("Star ratings"), _charts([
            Chart(_("Rated orders by stars"),
                  tuple(i18n.ngettext("{n} star", "{n} stars", s).format(n=s)
                        for s in extra["stars"]),
                  [("", tuple(extra["stars"].values()))], "bar", _("orders"))])),
        _section(_("Points"), _charts([
            Chart(_("Points credited, approved and redeemed"),
                  tuple(_(LABELS[k]) for k in POINT_BARS),
                  [("", tuple(report["points"][k] for k in POINT_BARS))], "bar",
                  _("points"))])),
    ]
    for section in sections:
        figures = report.get(section.name)
        if not isinstance(figures, dict):
            continue
        title = str(getattr(section, "title", "") or section.name)
        parts.append(_section(title, _table(figures, translate=False)
                              + _charts(_section_charts(section, figures))))
    for warning in ("missing_plugins", "unreadable_events", "skipped_events"):
        if report.get(warning):
            parts.append(_section(_("Events these figures leave out"),
                                  "<ul>" + "".join(f"<li>{_e(str(w))}</li>"
                                                   for w in report[warning]) + "</ul>"))
    lang = "zh-CN" if i18n.language() == "zh_CN" else "en"
    title = _("District volunteer service report")
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{_e(title)}</title><style>{STYLE}</style></head>"
            f"<body>{''.join(parts)}</body></html>\n")


def _figure_tables(report: dict[str, Any]) -> str:
    tables = []
    for name in ("teams", "volunteers", "orders", "service", "points"):
        figures = {k: v for k, v in report[name].items() if not isinstance(v, dict)}
        if name == "teams" and report["teams"].get("largest"):
            figures["largest"] = "{name} ({members})".format(**report["teams"]["largest"])
        tables.append(f"<div class='figures'><h3>{_e(_(LABELS[name]))}</h3>"
                      f"{_table(figures)}</div>")
    return f"<div class='grid'>{''.join(tables)}</div>"


def _table(figures: Mapping[str, Any], translate: bool = True) -> str:
    rows = []
    for key, value in figures.items():
        label = _(LABELS[key]) if translate and key in LABELS else key.replace("_", " ")
        shown = (_table(value, translate=False) if isinstance(value, dict)
                 else _e(_cell(value)))
        rows.append(f"<tr><th>{_e(label)}</th><td>{shown}</td></tr>")
    return f"<table>{''.join(rows)}</table>"


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def _team_hours(teams: list[dict[str, Any]]) -> Chart:
    shown = teams[:TOP_TEAMS]
    names = Counter(t["name"] for t in teams)
    places = Counter((t["name"], t["community"]) for t in teams)
    hours: dict[str, float] = {}
    for t in shown:  # a team by its name; by its community, or its id, where names repeat
        label = t["name"]
        if names[label] > 1:
            label = (f"{label} ({t['community']})" if places[(label, t["community"])] == 1
                     else f"{label} ({t['team_id']})")
        hours[label] = float(t["hours"])
    rest = sum(float(t["hours"]) for t in teams[TOP_TEAMS:])
    if rest:
        hours[_("{n} other teams").format(n=len(teams) - TOP_TEAMS)] = rest
    return Chart.of(_("Service hours of completed orders, by team"), hours, "barh",
                    _("hours"))


def _section_charts(section: Any, figures: Mapping[str, Any]) -> Sequence[Chart]:
    try:
        return charts_of(section, figures)
    except CivicVolError:
        raise
    except Exception as error:
        from civicvol.plugins.errors import PluginHookFailed

        raise PluginHookFailed(_("report section {name!r} failed to make its charts: {kind}: "
                                 "{error}").format(
                                 name=section.name, kind=type(error).__name__, error=error),
                               str(section.name),
                               error) from error


def _charts(charts: Sequence[Chart]) -> str:
    nothing = _e(_("Nothing to show yet."))
    drawn = []
    for chart in charts:
        if chart.empty:
            drawn.append(f"<figure class='chart empty'><figcaption>{_e(chart.title)}"
                         f"</figcaption><p>{nothing}</p></figure>")
        else:
            drawn.append(f"<figure class='chart'><figcaption>{_e(chart.title)}</figcaption>"
                         f"{chart_svg(chart)}</figure>")
    return "".join(drawn)


def _section(title: str, body: str) -> str:
    return f"<section><h2>{_e(title)}</h2>{body}</section>"


def _e(text: str) -> str:
    return html.escape(text, quote=True)


STYLE = """
@page { size: A4; margin: 14mm 12mm; }
:root { font-family: "Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei",
  "PingFang SC", sans-serif; color: #222; }
body { max-width: 186mm; margin: 0 auto; padding: 8px; font-size: 10.5pt; line-height: 1.45; }
h1 { font-size: 18pt; margin: 0 0 4px; border-bottom: 3px solid #c0392b; }
h2 { font-size: 13pt; margin: 18px 0 6px; color: #c0392b; }
h3 { font-size: 11pt; margin: 4px 0; }
.meta { color: #555; font-size: 9pt; margin: 0 0 8px; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(56mm, 1fr)); gap: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 9pt; }
th, td { border-bottom: 1px solid #ddd; padding: 2px 4px; vertical-align: top; }
th { text-align: left; font-weight: normal; color: #444; }
td { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td table th, td table td { white-space: normal; overflow-wrap: anywhere; }
td table td { text-align: right; }
figure.chart { margin: 8px 0; break-inside: avoid; page-break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; display: block; }
figcaption { font-size: 10pt; font-weight: bold; margin: 6px 0 0; }
figure.empty p { color: #777; font-size: 9pt; }
section { break-inside: auto; }
h2, h3 { break-after: avoid; page-break-after: avoid; }
.figures { break-inside: avoid; }
@media print { body { max-width: none; padding: 0; } }
"""

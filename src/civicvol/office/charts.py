"""Charts for the HTML report: a chart is plain data (:class:`Chart`), drawn by matplotlib
as inline SVG, so the report opens offline and prints sharp.

:class:`Chart` is what report sections (core and plug-ins') return; building one imports
nothing heavy. Only :func:`chart_svg` imports matplotlib (the ``office`` extra).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from pathlib import Path
from typing import Any, Literal

import attrs

from civicvol.i18n import _
from civicvol.office.extra import office_module

ChartKind = Literal["bar", "barh", "stacked", "funnel", "pie"]
KINDS = ("bar", "barh", "stacked", "funnel", "pie")

# Debian's fonts-noto-cjk; without them matplotlib's default font (CJK shows as boxes).
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf"),
    Path("/usr/share/fonts/truetype/noto/NotoSansCJK-Regular.ttc"),
)
PALETTE = ("#c0392b", "#e67e22", "#f1c40f", "#27ae60", "#2980b9", "#8e44ad", "#7f8c8d")


Series = tuple[tuple[str, tuple[float, ...]], ...]


def _labels(labels: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(label) for label in labels)


def _series(series: Iterable[tuple[Any, Iterable[Any]]]) -> Series:
    return tuple((str(name), tuple(float(v) for v in values)) for name, values in series)


@attrs.frozen
class Chart:
    """One chart: a title, the category labels, and one or more named series of numbers
    (one value per label). ``kind``: ``bar`` (columns), ``barh`` (bars, for long labels),
    ``stacked`` (columns stacked by series), ``funnel`` (stages, widest first), ``pie``."""

    title: str
    labels: tuple[str, ...] = attrs.field(converter=_labels)
    series: Series = attrs.field(converter=_series)
    kind: ChartKind = "bar"
    unit: str = ""

    def __attrs_post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(_("chart kind {kind!r} is not one of {choices}").format(
                               kind=self.kind, choices=', '.join(KINDS)))
        for name, values in self.series:
            if len(values) != len(self.labels):
                raise ValueError(_("chart {title!r}: series {name!r} has {values} values for "
                                   "{labels} labels").format(
                                   title=self.title, name=name, values=len(values),
                                   labels=len(self.labels)))

    @classmethod
    def of(cls, title: str, counts: Mapping[Any, Any], kind: ChartKind = "bar",
           unit: str = "", series: str = "") -> Chart:
        """A one-series chart of ``{label: number}``."""
        return cls(title, tuple(str(k) for k in counts),
                   ((series, tuple(float(v) for v in counts.values())),), kind, unit)

    @property
    def empty(self) -> bool:
        return not self.labels or not any(v for _, vs in self.series for v in vs)


@cache
def _pyplot() -> Any:
    matplotlib = office_module("matplotlib")
    matplotlib.use("Agg")  # no display: draw to files only
    plt = office_module("matplotlib.pyplot")
    font_manager = office_module("matplotlib.font_manager")

    families = []
    for path in CJK_FONTS:
        if path.exists():
            font_manager.fontManager.addfont(str(path))
            families.append(font_manager.FontProperties(fname=str(path)).get_name())
            break
    plt.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [*families, "Noto Sans CJK SC", "DejaVu Sans"],
        "axes.unicode_minus": False,
        "svg.fonttype": "path",  # glyphs as paths: the SVG needs no font to show CJK
        "svg.hashsalt": "civicvol",  # the same figures draw the same SVG
        "axes.spines.top": False, "axes.spines.right": False,
    })
    return plt


def chart_svg(chart: Chart) -> str:
    """The chart as an ``<svg>`` element to put in a page (no XML prolog, no size fixed in
    points: it scales with the page). Its title is the page's to show, as a caption."""
    plt = _pyplot()
    tall = chart.kind in ("barh", "funnel") and len(chart.labels) > 6
    fig, ax = plt.subplots(figsize=(7.0, 0.35 * len(chart.labels) + 1.2 if tall else 3.4))
    try:
        _draw(ax, chart)
        fig.tight_layout()
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None})
    finally:
        plt.close(fig)
    svg = out.getvalue()
    svg = svg[svg.index("<svg"):]
    # Let CSS size it: keep the viewBox, drop the fixed width and height in points.
    return re.sub(r'<svg([^>]*?) width="[^"]+" height="[^"]+"', r'<svg\1', svg, count=1)


def _draw(ax: Any, chart: Chart) -> None:
    labels, series = list(chart.labels), chart.series
    positions = list(range(len(labels)))
    if chart.kind == "pie":
        values = series[0][1]
        ax.pie(values, labels=labels, colors=PALETTE[:len(values)] if len(values) <= 7
               else None, autopct=lambda p: f"{p:.0f}%" if p >= 4 else "", startangle=90,
               counterclock=False, textprops={"fontsize": 8})
        ax.axis("equal")
        return
    if chart.kind in ("barh", "funnel"):
        values = series[0][1]
        bars = ax.barh(positions, values, color=PALETTE[4] if chart.kind == "barh"
                       else [PALETTE[i % len(PALETTE)] for i in positions])
        ax.set_yticks(positions, labels, fontsize=8)
        ax.invert_yaxis()  # the first label on top: the funnel narrows downwards
        ax.bar_label(bars, labels=[_number(v) for v in values], fontsize=8, padding=2)
        ax.set_xlabel(chart.unit, fontsize=8)
        ax.xaxis.set_major_locator(_whole_ticks())
        return
    bottom = [0.0] * len(labels)
    for i, (name, values) in enumerate(series):
        bars = ax.bar(positions, values, bottom=bottom if chart.kind == "stacked" else None,
                      width=0.8 / (1 if chart.kind == "stacked" else len(series)),
                      label=name or None, color=PALETTE[i % len(PALETTE)])
        if chart.kind == "stacked":
            bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        elif len(series) == 1 and len(labels) <= 16:
            ax.bar_label(bars, labels=[_number(v) for v in values], fontsize=7, padding=1)
    ax.set_xticks(positions, labels, fontsize=7, rotation=45 if len(labels) > 8 else 0,
                  ha="right" if len(labels) > 8 else "center")
    ax.set_ylabel(chart.unit, fontsize=8)
    ax.yaxis.set_major_locator(_whole_ticks())
    if len(series) > 1:
        ax.legend(fontsize=7, ncols=min(len(series), 6), frameon=False)


def _whole_ticks() -> Any:
    """Ticks at whole numbers: counts of orders are never 2.5."""
    from matplotlib.ticker import MaxNLocator

    return MaxNLocator(integer=True)


def _number(value: float) -> str:
    return f"{value:.0f}" if value == int(value) else f"{value:.1f}"


def charts_of(section: Any, figures: Mapping[str, Any]) -> Sequence[Chart]:
    """A report section's charts for its figures: ``section.charts(figures)`` when the
    section has it (the report-section hook's optional part), else none."""
    make = getattr(section, "charts", None)
    if make is None:
        return []
    charts = list(make(figures) or [])
    for chart in charts:
        if not isinstance(chart, Chart):
            raise TypeError(_("report section {section!r} returned {kind} from charts(); "
                              "return civicvol.office.charts.Chart objects").format(
                              section=getattr(section, 'name', section),
                              kind=type(chart).__name__))
    return charts

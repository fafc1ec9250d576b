"""Progress charts drawn on the server as SVG (matplotlib's SVG backend, no pyplot state).

Every chart comes with a title, a one-sentence description and its data as a table, so it
reads without sight and without the picture. Colours reach 3:1 against white (WCAG 1.4.11,
non-text contrast; checked in the tests) and series differ by marker and line style too.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import matplotlib
import matplotlib.dates as mdates
from matplotlib.axes import Axes
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure

from retrowalk.domain.models import OutcomeKind
from retrowalk.domain.outcomes import (
    CARTER_HIGH_RISK_S,
    NURSING_HOME_PROSPECTIVE_S,
    PARKINSON_CUTOFF_S,
    BackwardWalkPopulation,
)
from retrowalk.domain.pain_zones import ACCEPTABLE_MAX_NPRS, SAFE_MAX_NPRS
from retrowalk.services.views import WeekRow
from retrowalk.store.records import StoredOutcome, StoredSession

matplotlib.rcParams["svg.fonttype"] = "none"  # text stays text: smaller, selectable, scalable
matplotlib.rcParams["svg.hashsalt"] = "retrowalk"  # stable element ids: same data, same SVG
matplotlib.rcParams["font.size"] = 9

PALETTE = {
    "blue": "#1f5fa8",
    "orange": "#a35200",
    "green": "#2e7d32",
    "purple": "#6a3d9a",
    "grey": "#595959",
    "red": "#b00020",
    "safe_band": "#e3f1e4",
    "acceptable_band": "#fdf1dc",
}
"""Chart colours; each line colour has at least 3:1 contrast against white."""

CUTOFF_FOR_POPULATION = {
    BackwardWalkPopulation.COMMUNITY_OLDER_ADULTS.value: CARTER_HIGH_RISK_S,
    BackwardWalkPopulation.PARKINSON.value: PARKINSON_CUTOFF_S,
    BackwardWalkPopulation.NURSING_HOME.value: NURSING_HOME_PROSPECTIVE_S,
}
"""Fall cut-off drawn for each population of the 3-metre backward walk test (carter2019,
carter2020, kapan2025; the same constants ``domain.outcomes`` interprets with)."""


@dataclass(frozen=True)
class Chart:
    slug: str
    title: str
    description: str
    svg: str | None
    headers: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = field(default_factory=tuple)


def _figure() -> tuple[Figure, Axes]:
    # Small canvas, large type: the SVG scales to the page, so on a 360 px phone the labels stay
    # readable (about 8 px) while a desktop shows them at about 16 px.
    figure = Figure(figsize=(4.2, 2.8), dpi=100, layout="constrained")
    axes = figure.add_subplot()
    axes.tick_params(labelsize=11)
    axes.yaxis.label.set_fontsize(11)
    axes.spines[["top", "right"]].set_visible(False)
    axes.grid(axis="y", color="#d0d0d0", linewidth=0.6)
    axes.set_axisbelow(True)
    return figure, axes


_PROLOGUE = re.compile(r"^.*?(<svg\b)", re.DOTALL)
_METADATA = re.compile(r"<metadata>.*?</metadata>\s*", re.DOTALL)


def _svg(figure: Figure, slug: str, title: str) -> str:
    """The figure as inline SVG: no XML prologue or metadata, a <title>, role="img"."""
    buffer = io.StringIO()
    FigureCanvasSVG(figure).print_svg(buffer, metadata={"Date": None, "Creator": None})
    text = _METADATA.sub("", _PROLOGUE.sub(r"\1", buffer.getvalue(), count=1))
    head_end = text.index(">") + 1
    head = text[:head_end].replace(
        "<svg ", f'<svg role="img" aria-labelledby="chart-{slug}-title" ', 1
    )
    title_tag = f'<title id="chart-{slug}-title">{_escape(title)}</title>'
    return head + title_tag + text[head_end:]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def minutes_per_week(weeks: Sequence[WeekRow]) -> Chart:
    title = "Minutes per week against the plan"
    description = "Bars: minutes walked each program week; line: minutes planned."
    headers = ("Week", "Planned min", "Walked min", "Sessions done / planned")
    rows = tuple(
        (
            str(w.week),
            _fmt(w.planned_minutes),
            _fmt(w.done_minutes),
            f"{w.done_sessions} / {w.planned_sessions}",
        )
        for w in weeks
    )
    if not weeks:
        return Chart("minutes", title, description, None, headers, rows)
    figure, axes = _figure()
    x = [w.week for w in weeks]
    axes.bar(x, [w.done_minutes for w in weeks], color=PALETTE["blue"], label="walked")
    axes.step(
        x,
        [w.planned_minutes for w in weeks],
        where="mid",
        color=PALETTE["grey"],
        linestyle="--",
        linewidth=2,
        label="planned",
    )
    axes.set_xlabel("program week")
    axes.set_ylabel("minutes")
    axes.set_xticks(x)
    axes.legend(frameon=False, loc="upper left")
    return Chart("minutes", title, description, _svg(figure, "minutes", title), headers, rows)


def pain(weeks: Sequence[WeekRow]) -> Chart:
    title = "Knee pain during, after and the next morning"
    description = (
        f"Weekly mean pain (0-10). Green band: safe (0-{SAFE_MAX_NPRS}); amber band: "
        f"acceptable (up to {ACCEPTABLE_MAX_NPRS}) if settled by the next morning (nemex2010)."
    )
    headers = ("Week", "During", "After", "Next morning")
    with_data = [
        w
        for w in weeks
        if any(
            v is not None for v in (w.mean_pain_during, w.mean_pain_after, w.mean_pain_next_morning)
        )
    ]
    rows = tuple(
        (
            str(w.week),
            _fmt(w.mean_pain_during),
            _fmt(w.mean_pain_after),
            _fmt(w.mean_pain_next_morning),
        )
        for w in with_data
    )
    if not with_data:
        return Chart("pain", title, description, None, headers, rows)
    figure, axes = _figure()
    axes.axhspan(0, SAFE_MAX_NPRS, color=PALETTE["safe_band"], zorder=0)
    axes.axhspan(SAFE_MAX_NPRS, ACCEPTABLE_MAX_NPRS, color=PALETTE["acceptable_band"], zorder=0)
    x = [w.week for w in with_data]
    series = (
        ("during", [w.mean_pain_during for w in with_data], PALETTE["orange"], "o", "-"),
        ("after", [w.mean_pain_after for w in with_data], PALETTE["purple"], "s", "--"),
        ("next morning", [w.mean_pain_next_morning for w in with_data], PALETTE["blue"], "^", ":"),
    )
    for label, values, colour, marker, style in series:
        points = [(xi, v) for xi, v in zip(x, values, strict=True) if v is not None]
        if points:
            axes.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                color=colour,
                marker=marker,
                linestyle=style,
                linewidth=2,
                label=label,
            )
    axes.set_ylim(0, 10)
    axes.set_xticks(x)
    axes.set_xlabel("program week")
    axes.set_ylabel("pain (0-10)")
    axes.legend(frameon=False, loc="upper right", ncols=3)
    return Chart("pain", title, description, _svg(figure, "pain", title), headers, rows)


def _dated(points: list[tuple[datetime, float]]) -> tuple[list[datetime], list[float]]:
    return [p[0] for p in points], [p[1] for p in points]


#: Shortest span a date axis shows, so one point or a few days still read as dates.
MIN_DATE_SPAN = timedelta(days=14)


def _date_axis(figure: Figure, axes: Axes, x: Sequence[datetime]) -> None:
    """Few, unrepeated date labels (concise: the year appears once), and a span of at least
    two weeks centred on the data so a single test does not stretch the axis over years."""
    locator = mdates.AutoDateLocator(minticks=3, maxticks=6)
    axes.xaxis.set_major_locator(locator)
    axes.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    first, last = min(x), max(x)
    if last - first < MIN_DATE_SPAN:
        middle = first + (last - first) / 2
        axes.set_xlim(middle - MIN_DATE_SPAN / 2, middle + MIN_DATE_SPAN / 2)
    figure.autofmt_xdate(rotation=0, ha="center")


def speed(sessions: Sequence[StoredSession]) -> Chart:
    title = "Backward walking speed"
    description = "Speed of each logged session that recorded one, in km/h."
    points = [
        (s.session.performed_at, s.session.speed_m_s * 3.6)
        for s in sessions
        if s.session.speed_m_s is not None
    ]
    headers = ("Date", "Speed km/h")
    rows = tuple((f"{t:%Y-%m-%d}", f"{v:.1f}") for t, v in points)
    if not points:
        return Chart("speed", title, description, None, headers, rows)
    figure, axes = _figure()
    x, y = _dated(points)
    axes.plot(x, y, color=PALETTE["green"], marker="o", linewidth=2)
    axes.set_ylabel("km/h")
    axes.set_ylim(bottom=0, top=max(y) * 1.2)
    _date_axis(figure, axes, x)
    return Chart("speed", title, description, _svg(figure, "speed", title), headers, rows)


def incline_or_load(sessions: Sequence[StoredSession]) -> Chart:
    """Sled load (kg) when any session carried one, else incline (%)."""
    loads = [(s.session.performed_at, s.session.load_kg) for s in sessions if s.session.load_kg]
    if loads:
        title, unit, slug = "Sled load", "kg", "load"
        points = [(t, float(v)) for t, v in loads if v is not None]
    else:
        title, unit, slug = "Incline", "%", "incline"
        points = [(s.session.performed_at, s.session.incline_pct) for s in sessions]
    description = f"{title} of each logged session, in {unit}."
    headers = ("Date", f"{title} {unit}")
    rows = tuple((f"{t:%Y-%m-%d}", f"{v:g}") for t, v in points)
    if not points:
        return Chart(slug, title, description, None, headers, rows)
    figure, axes = _figure()
    x, y = _dated(points)
    axes.plot(x, y, color=PALETTE["purple"], marker="s", linewidth=2)
    axes.set_ylabel(unit)
    axes.set_ylim(bottom=0, top=max(1.0, max(y) * 1.2))
    _date_axis(figure, axes, x)
    return Chart(slug, title, description, _svg(figure, slug, title), headers, rows)


def backward_walk_test(outcomes: Sequence[StoredOutcome]) -> Chart:
    title = "3-metre backward walk time against its cut-off"
    tests = [o for o in outcomes if o.outcome.kind is OutcomeKind.BACKWARD_WALK_3M]
    populations = {str(o.details.get("population", "")) for o in tests}
    cutoffs = sorted(
        {CUTOFF_FOR_POPULATION[p] for p in populations if p in CUTOFF_FOR_POPULATION}
        or {CARTER_HIGH_RISK_S}
    )
    description = (
        "Seconds to walk 3 metres backward (lower is better); dashed line: the fall-risk "
        f"cut-off ({', '.join(f'{c:g} s' for c in cutoffs)}; carter2019, carter2020, "
        "kapan2025). A screening flag, not a diagnosis."
    )
    headers = ("Date", "Time s", "Start", "Population")
    rows = tuple(
        (
            f"{o.taken_at:%Y-%m-%d}",
            f"{o.outcome.value:g}",
            str(o.details.get("start", "")),
            str(o.details.get("population", "")),
        )
        for o in tests
    )
    if not tests:
        return Chart("bwt", title, description, None, headers, rows)
    figure, axes = _figure()
    x, y = _dated([(o.taken_at, o.outcome.value) for o in tests])
    axes.plot(x, y, color=PALETTE["blue"], marker="o", linewidth=2, label="time")
    for cutoff in cutoffs:
        axes.axhline(
            cutoff,
            color=PALETTE["red"],
            linestyle="--",
            linewidth=1.5,
            label=f"cut-off {cutoff:g} s",
        )
    axes.set_ylabel("seconds")
    axes.set_ylim(0, max([*y, *cutoffs]) * 1.25)
    axes.legend(frameon=False, loc="upper right")
    _date_axis(figure, axes, x)
    return Chart("bwt", title, description, _svg(figure, "bwt", title), headers, rows)


def progress_charts(
    weeks: Sequence[WeekRow], sessions: Sequence[StoredSession], outcomes: Sequence[StoredOutcome]
) -> list[Chart]:
    return [
        minutes_per_week(weeks),
        pain(weeks),
        speed(sessions),
        incline_or_load(sessions),
        backward_walk_test(outcomes),
    ]

"""Pure chart builders: a Polars frame in, a Plotly figure out. No Streamlit here.

Every builder draws exactly the columns of the frame it is given, so the frame a page passes to
a builder is also the frame it offers as CSV. Plotly renders a subset of HTML in titles, legends, axis
labels and hover text, so every data value put into Plotly text goes through `plotly_text` (validation
already refuses markup; this is the second line of defence).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import plotly.colors
import plotly.graph_objects as go
import polars as pl

from openmodels.countries import country_name
from openmodels.text import plotly_text

# Okabe-Ito and Paul Tol's colorblind-safe sets, mid-lightness so they read on light and dark.
COUNTRY_COLORS = {
    "US": "#0072B2", "CN": "#D55E00", "FR": "#009E73", "AE": "#E69F00", "KR": "#CC79A7",
    "JP": "#56B4E9", "DE": "#999933", "GB": "#44AA99", "CA": "#DDCC77", "IL": "#CC6677",
    "CH": "#AA4499", "IN": "#88CCEE", "SG": "#B07AA1", "Other": "#8C8C8C",
    "United States": "#0072B2", "China": "#D55E00", "Rest of world": "#009E73",
}
EXTRA_COLORS = ["#9C755F", "#76B7B2", "#EDC948", "#FF9DA7", "#59A14F", "#BAB0AC", "#F28E2B", "#4E79A7"]
# Classes and windows get their own palette (Paul Tol's PRGn and greys), never a country's colour: orange is
# China and nothing else.
CLASS_COLORS = {
    "unrestricted": "#1B7837", "restricted-use": "#ACD39E", "non-commercial": "#762A83",
    "unconfirmed": "#DDDDDD",
    "weights": "#E7D4E8", "weights+code": "#C2A5CF", "weights+code+data": "#9970AB",
    "before": "#BBBBBB", "after": "#4D4D4D",
}
# Event markers by category: dark tones apart from the country colors, so a marker never reads as a country.
EVENT_CATEGORY_COLORS = {
    "policy": "#332288", "export-control": "#882255", "corporate-strategy": "#7B4B2A", "release": "#2B2B2B",
    "statement": "#8E6C8A", "market": "#1F5F5B", "ecosystem": "#6B7F8C",
}
# Key events' labels sit in rows above the plot, each joined to its marker by a thin leader line; a label's
# width is guessed from its length and a plot width a little narrower than a page's chart (see event_label_rows).
EVENT_LABELS = {"font_size": 11, "char_px": 5.6, "gap_px": 12, "row_px": 15, "plot_px": 620, "max_rows": 7}
# Stacking order of the class charts, bottom first: the open end at the base, the unknown on top.
CLASS_ORDER = ["unrestricted", "restricted-use", "non-commercial", "weights", "weights+code", "weights+code+data",
               "before", "after", "unconfirmed"]
ARCH_SYMBOLS = {"dense": "circle", "moe": "diamond"}
EVENT_SYMBOL_COLOR = "#6B6B6B"
PERIOD_LABEL = {"month": "Month", "quarter": "Quarter", "year": "Year"}
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}
# How a period is written on hover; d3's %q is the quarter. One format per period, used on every time chart.
PERIOD_HOVER = {"month": "%b %Y", "quarter": "Q%q %Y", "year": "%Y"}
INCOMPLETE = dict(opacity=0.45, pattern="/", fill="#9E9E9E", note="to date")


def period_end(start: date, period: str) -> date:
    """The first day after the period that starts on `start`."""
    months = start.month - 1 + PERIOD_MONTHS[period]
    return date(start.year + months // 12, months % 12 + 1, 1)


def period_text(start: date, period: str) -> str:
    """'2025', 'Q3 2025' or 'Jul 2025'."""
    if period == "year":
        return str(start.year)
    if period == "quarter":
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start:%b %Y}"


def is_incomplete(start: date, period: str, as_of: date | None) -> bool:
    """A period is incomplete when the data stop before its last day (the data-as-of date is inside it)."""
    return as_of is not None and as_of < period_end(start, period) - timedelta(days=1)


def period_axis(starts: list[date], period: str, as_of: date | None) -> dict:
    """Where a time chart draws each period: at its middle (so an event sits inside the bar or point of its
    period), how wide a bar is, its label ('Q4 2026 to date') and whether it is incomplete."""
    mids, widths, labels, partial = [], [], [], []
    for start in starts:
        end = period_end(start, period)
        begin = datetime.combine(start, datetime.min.time())
        span = datetime.combine(end, datetime.min.time()) - begin
        mids.append(begin + span / 2)
        widths.append(span.total_seconds() * 1000 * 0.8)
        incomplete = is_incomplete(start, period, as_of)
        partial.append(incomplete)
        labels.append(period_text(start, period) + (f" {INCOMPLETE['note']}" if incomplete else ""))
    return {"x": mids, "width": widths, "label": labels, "incomplete": partial}


def mark_incomplete(fig: go.Figure, starts: list[date], period: str, as_of: date | None) -> None:
    """Shade the incomplete period (the one holding the data-as-of date) and say 'to date' above it."""
    for start in sorted(set(starts)):
        if is_incomplete(start, period, as_of):
            fig.add_vrect(x0=start, x1=period_end(start, period), fillcolor=INCOMPLETE["fill"], opacity=0.12,
                          line_width=0, layer="below",
                          annotation=dict(text=f"{period_text(start, period)} {INCOMPLETE['note']}",
                                          font=dict(size=11, color="#6B6B6B")),
                          annotation_position="top right")  # the text runs left, over the data, not past it


def time_axis(fig: go.Figure, period: str) -> None:
    """Hover shows every group at one period, the period written as '2025', 'Q3 2025' or 'Jul 2025'."""
    fig.update_xaxes(hoverformat=PERIOD_HOVER[period])
    fig.update_layout(hovermode="x unified")


def country_color(code: str) -> str:
    if code in COUNTRY_COLORS:
        return COUNTRY_COLORS[code]
    return EXTRA_COLORS[sum(map(ord, code)) % len(EXTRA_COLORS)]


def group_label(code: str) -> str:
    return plotly_text(code if code in ("Other", "United States", "China", "Rest of world") else country_name(code))


def _texts(values: list) -> list:
    return [None if v is None else plotly_text(v) for v in values]


def _custom(df: pl.DataFrame, *columns: str) -> list[tuple]:
    """Rows for customdata, text cells escaped for Plotly."""
    return [tuple(plotly_text(v) if isinstance(v, str) else v for v in row) for row in df.select(*columns).rows()]


LOG_TICKS = [0.1, 0.3, 1, 3, 10, 30, 100, 300, 1000, 3000]


def ordered_groups(df: pl.DataFrame, column: str, value: str) -> list[str]:
    """The groups in `column`, largest total `value` first, 'Other' last (legend and stacking order)."""
    totals = df.group_by(column).agg(pl.col(value).fill_null(0).sum().alias("_total"))
    ranked = totals.sort(["_total", column], descending=[True, False])[column].to_list()
    return [g for g in ranked if g != "Other"] + [g for g in ranked if g == "Other"]


def _layout(fig: go.Figure, title: str, x: str, y: str, **kw) -> go.Figure:
    # The legend sits under the chart (a phone has no room beside it) and the toolbar stands upright at the
    # right edge, clear of the title.
    fig.update_layout(
        title=dict(text=title), xaxis_title=x, yaxis_title=y,
        legend=dict(title_text=kw.pop("legend", "Country"), orientation="h", yref="container", y=0,
                    yanchor="bottom", x=0, xanchor="left"),
        modebar=dict(orientation="v"),
        hovermode=kw.pop("hovermode", "closest"), margin=dict(t=60, l=10, r=40, b=10), **kw,
    )
    return fig


def releases_chart(df: pl.DataFrame, value: str, mode: str, period: str, unit: str,
                   as_of: date | None = None) -> go.Figure:
    """Releases per period by country group: mode 'stacked', 'lines' or 'percent' (100% stacked). Each period
    is drawn at its middle; the incomplete one (holding `as_of`) is lighter, hatched and says 'to date'."""
    what = "model checkpoints" if unit == "checkpoints" else "family launches"
    unit_hover = {"share_pct": "%"}.get(value, "")
    fig = go.Figure()
    for group in ordered_groups(df, "country_group", value):
        part = df.filter(pl.col("country_group") == group)
        axis = period_axis(part["period_start"].to_list(), period, as_of)
        note = [" (" + label + ")" if inc else "" for label, inc in zip(axis["label"], axis["incomplete"])]
        common = dict(x=axis["x"], y=part[value].to_list(), name=group_label(group), customdata=note,
                      hovertemplate=group_label(group) + ": %{y}" + unit_hover + "%{customdata}<extra></extra>")
        if mode == "lines":
            fig.add_trace(go.Scatter(
                mode="lines+markers", line_color=country_color(group),
                marker=dict(color=country_color(group),
                            symbol=["circle-open" if inc else "circle" for inc in axis["incomplete"]], size=8),
                **common))
        else:
            fig.add_trace(go.Bar(
                width=axis["width"],
                marker=dict(color=country_color(group),
                            opacity=[INCOMPLETE["opacity"] if inc else 1 for inc in axis["incomplete"]],
                            pattern=dict(shape=[INCOMPLETE["pattern"] if inc else "" for inc in axis["incomplete"]])),
                **common))
    y_title = {"share_pct": f"Share of {what} (%)", "cumulative_releases": f"Cumulative {what}"}.get(
        value, f"{what.capitalize()} per {period}")
    fig.update_layout(barmode="stack")
    mark_incomplete(fig, df["period_start"].to_list(), period, as_of)
    time_axis(fig, period)
    return _layout(fig, f"Open-weight releases per {period}, by country", PERIOD_LABEL[period], y_title,
                   hovermode="x unified")


def cumulative_chart(df: pl.DataFrame, as_of: date | None = None) -> go.Figure:
    """Cumulative releases by country group over time (lines), each month drawn at its middle."""
    fig = go.Figure()
    for group in ordered_groups(df, "country_group", "cumulative_releases"):
        part = df.filter(pl.col("country_group") == group)
        axis = period_axis(part["period_start"].to_list(), "month", as_of)
        fig.add_trace(go.Scatter(
            x=axis["x"], y=part["cumulative_releases"].to_list(), mode="lines",
            name=group_label(group), line=dict(color=country_color(group), width=2.5),
            customdata=[f" (to {as_of:%d %b})" if inc else "" for inc in axis["incomplete"]],
            hovertemplate=group_label(group) + ": %{y} releases%{customdata}<extra></extra>"))
    mark_incomplete(fig, df["period_start"].to_list(), "month", as_of)
    time_axis(fig, "month")
    return _layout(fig, "Cumulative open-weight releases by country", "Month", "Releases (cumulative)",
                   hovermode="x unified")


def _record_lines(fig: go.Figure, records: pl.DataFrame | None, value: str, label: str) -> None:
    """Each country's running record of `value` as a dotted step line in its color (no legend, no hover)."""
    if records is None or records.is_empty():
        return
    for country in records["country"].unique(maintain_order=True).to_list():
        part = records.filter(pl.col("country") == country)
        fig.add_trace(go.Scatter(
            x=part["release_date"].to_list(), y=part[value].to_list(), mode="lines",
            line=dict(color=country_color(country), shape="hv", width=1.5, dash="dot"),
            name=f"{plotly_text(country_name(country))} · {label}", legendgroup=country, showlegend=False,
            hoverinfo="skip"))


def scale_chart(df: pl.DataFrame, metric: str, frontier: pl.DataFrame | None = None,
                total: int | None = None) -> go.Figure:
    """Log-scale scatter of parameters over time: one WebGL trace per country (color), the marker of each
    point its architecture (circle dense, diamond MoE). `total`: how many points matched when `df` is a sample."""
    col = "params_active_b" if metric == "active" else "params_total_b"
    label = "Active parameters (billions, log scale)" if metric == "active" else "Total parameters (billions, log scale)"
    size = "Active" if metric == "active" else "Total"
    fig = go.Figure()
    for country, part in _by_country(df):
        # Given as a dict, the trace is validated once: Plotly checks a symbol array point by point.
        fig.add_trace(dict(
            type="scattergl", x=_epoch_ms(part["release_date"]), y=part[col].to_numpy(), mode="markers",
            name=plotly_text(country_name(country)), legendgroup=country,
            marker=dict(color=country_color(country), symbol=_arch_symbols(part["architecture"]), size=9,
                        opacity=0.85, line=dict(width=0.5, color="white")),
            customdata=_escaped_columns(part, "model_id", "name"),
            hovertemplate="<b>%{customdata[1]}</b><br>%{x|%Y-%m-%d}<br>" + size + ": %{y}B<extra></extra>",
        ))
    _arch_legend(fig)
    _record_lines(fig, frontier, "params_b", "frontier")
    fig.update_xaxes(type="date")
    fig.update_yaxes(type="log", tickvals=LOG_TICKS, ticktext=[f"{v:g}B" for v in LOG_TICKS])
    _sample_note(fig, df.height, total)
    return _layout(fig, "Size of open-weight models over time (circle = dense, diamond = MoE)", "Release date",
                   label, height=620)


SHARE_MIN_RELEASES = 5  # a share over fewer releases is drawn faded and not joined to its neighbours


def moe_share_chart(df: pl.DataFrame, period: str, as_of: date | None = None) -> go.Figure:
    """MoE share per period and country group. Lines join only periods with at least SHARE_MIN_RELEASES
    releases (a period with none, or with fewer, breaks the line); small samples are faded points; n in hover.
    Periods are drawn at their middle; the incomplete one says 'to date'."""
    fig = go.Figure()
    periods = sorted(df["period_start"].unique().to_list())
    mid = dict(zip(periods, period_axis(periods, period, as_of)["x"]))
    label = dict(zip(periods, period_axis(periods, period, as_of)["label"]))
    faded_legend = True
    for group in ordered_groups(df, "country_group", "releases"):
        part = df.filter(pl.col("country_group") == group)
        by_period = {r["period_start"]: r for r in part.iter_rows(named=True)}
        solid = [by_period.get(p) if by_period.get(p) and by_period[p]["releases"] >= SHARE_MIN_RELEASES else None
                 for p in periods]
        hover = (group_label(group)
                 + ": %{y}% (%{customdata[0]} of %{customdata[1]} releases) · %{customdata[2]}<extra></extra>")
        fig.add_trace(go.Scatter(
            x=[mid[p] for p in periods], y=[r["moe_share_pct"] if r else None for r in solid], mode="lines+markers",
            name=group_label(group), legendgroup=group, line_color=country_color(group),
            customdata=[(r["moe_releases"], r["releases"], label[p]) if r else (None, None, label[p])
                        for p, r in zip(periods, solid)],
            hovertemplate=hover))
        small = part.filter(pl.col("releases") < SHARE_MIN_RELEASES)
        if not small.is_empty():
            fig.add_trace(go.Scatter(
                x=[mid[p] for p in small["period_start"].to_list()], y=small["moe_share_pct"].to_list(),
                mode="markers", name=f"fewer than {SHARE_MIN_RELEASES} releases", legendgroup="small",
                showlegend=faded_legend, marker=dict(color=country_color(group), opacity=0.3, size=7),
                customdata=[(m, n, label[p]) for m, n, p in small.select("moe_releases", "releases",
                                                                          "period_start").rows()],
                hovertemplate=hover))
            faded_legend = False
    fig.add_hline(y=50, line=dict(color="#8C8C8C", width=1, dash="dash"), annotation_text="50%",
                  annotation_position="top left")
    fig.update_yaxes(range=[0, 105])
    mark_incomplete(fig, periods, period, as_of)
    time_axis(fig, period)
    return _layout(fig, f"Share of releases that are Mixture-of-Experts, per {period}", PERIOD_LABEL[period],
                   "MoE share of releases (%)", hovermode="x unified")


def active_ratio_chart(df: pl.DataFrame, total: int | None = None) -> go.Figure:
    """Active share of each MoE model's parameters over time, one WebGL trace per country.
    `total`: how many points matched when `df` is a sample."""
    fig = go.Figure()
    for country, part in _by_country(df):
        fig.add_trace(go.Scattergl(
            x=_epoch_ms(part["release_date"]), y=part["active_pct"].to_numpy(), mode="markers",
            name=plotly_text(country_name(country)), marker=dict(color=country_color(country), size=9, symbol="diamond"),
            customdata=_escaped_columns(part, "name", "params_active_b", "params_total_b"),
            hovertemplate=("<b>%{customdata[0]}</b><br>%{x|%Y-%m-%d}<br>%{customdata[1]}B active of "
                           "%{customdata[2]}B (%{y}%)<extra></extra>")))
    fig.update_xaxes(type="date")
    fig.update_yaxes(type="log", tickvals=[1, 2, 5, 10, 20, 50, 100])
    _sample_note(fig, df.height, total)
    return _layout(fig, "Active share of parameters in MoE models", "Release date",
                   "Active / total parameters (%, log scale)")


def share_bars(df: pl.DataFrame, category: str, value: str, title: str, y_title: str,
               x: str = "country_group", x_title: str = "Country", period: str | None = None,
               as_of: date | None = None) -> go.Figure:
    """Stacked bars of `value` per `x`, one trace per class in `category`. With x='period_start' and a
    `period`, periods are drawn at their middle and the incomplete one is lighter, hatched and says 'to date'."""
    fig = go.Figure()
    classes = df[category].unique().to_list()
    unit_hover = "%" if value == "share_pct" else " releases"
    for cls in sorted(classes, key=lambda c: (CLASS_ORDER.index(c) if c in CLASS_ORDER else len(CLASS_ORDER), c)):
        part = df.filter(pl.col(category) == cls)
        xs = part[x].to_list()
        color = CLASS_COLORS.get(cls, country_color(cls))
        if period and x == "period_start":
            axis = period_axis(xs, period, as_of)
            fig.add_trace(go.Bar(
                x=axis["x"], y=part[value].to_list(), width=axis["width"], name=plotly_text(cls),
                customdata=[" (" + lab + ")" if inc else "" for lab, inc in zip(axis["label"], axis["incomplete"])],
                marker=dict(color=color,
                            opacity=[INCOMPLETE["opacity"] if inc else 1 for inc in axis["incomplete"]],
                            pattern=dict(shape=[INCOMPLETE["pattern"] if inc else "" for inc in axis["incomplete"]])),
                hovertemplate=plotly_text(cls) + ": %{y}" + unit_hover + "%{customdata}<extra></extra>"))
            continue
        fig.add_trace(go.Bar(
            x=[group_label(v) for v in xs] if x == "country_group" else _texts(xs), y=part[value].to_list(),
            name=plotly_text(cls), marker_color=color,
            hovertemplate="%{x}<br>" + plotly_text(cls) + ": %{y}" + unit_hover + "<extra></extra>"))
    fig.update_layout(barmode="stack")
    if x == "country_group":
        order = [group_label(g) for g in ordered_groups(df, x, value)]
        fig.update_xaxes(categoryorder="array", categoryarray=order)
    if period and x == "period_start":
        mark_incomplete(fig, df[x].to_list(), period, as_of)
        time_axis(fig, period)
        return _layout(fig, title, x_title, y_title, legend=category.capitalize(), hovermode="x unified")
    return _layout(fig, title, x_title, y_title, legend=category.capitalize())


def top_licenses_chart(df: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    for cls in df["accessibility"].unique(maintain_order=True).to_list():
        part = df.filter(pl.col("accessibility") == cls)
        fig.add_trace(go.Bar(
            y=_texts(part["license"].to_list()), x=part["releases"].to_list(), orientation="h", name=plotly_text(cls),
            marker_color=CLASS_COLORS.get(cls), hovertemplate="%{y}: %{x} releases<extra></extra>"))
    fig.update_yaxes(categoryorder="total ascending")
    return _layout(fig, "Most used licenses", "Releases", "License", legend="Accessibility",
                   height=max(360, 26 * df.height + 120))


def event_window_chart(df: pl.DataFrame, event_title: str, months: int) -> go.Figure:
    fig = go.Figure()
    for window in ("before", "after"):
        part = df.filter(pl.col("event_window") == window)
        fig.add_trace(go.Bar(
            x=[group_label(g) for g in part["country_group"].to_list()], y=part["releases"].to_list(),
            name=f"{months} months {window}", marker_color=CLASS_COLORS[window],
            hovertemplate="%{x}: %{y} releases<extra></extra>"))
    fig.update_layout(barmode="group")
    return _layout(fig, f"Releases {months} months before and after: {plotly_text(event_title)}", "Country", "Releases",
                   legend="Window")


def events_timeline_chart(df: pl.DataFrame) -> go.Figure:
    fig = go.Figure()
    for cat in df["category"].unique(maintain_order=True).sort().to_list():
        part = df.filter(pl.col("category") == cat)
        fig.add_trace(go.Scatter(
            x=part["date"].to_list(), y=[plotly_text(cat)] * part.height, mode="markers", name=plotly_text(cat),
            marker=dict(size=11, symbol="line-ns-open", line=dict(width=2, color=_event_color(cat)),
                        color=_event_color(cat)),
            customdata=_custom(part, "title", "actor"),
            hovertemplate="%{x|%Y-%m-%d}<br><b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    return _layout(fig, "Events timeline", "Date", "Category", legend="Category", showlegend=False,
                   height=max(300, 60 * df["category"].n_unique() + 120))


def _event_color(category: str) -> str:
    return EVENT_CATEGORY_COLORS.get(category, EVENT_SYMBOL_COLOR)


def _x_dates(fig: go.Figure, dates: list) -> list[date]:
    """The days the figure's traces and the events span (for the label layout)."""
    days = [d for d in dates if isinstance(d, date)]
    for trace in fig.data:
        xs = getattr(trace, "x", None)
        for v in (() if xs is None else xs):
            if isinstance(v, datetime):
                days.append(v.date())
            elif isinstance(v, date):
                days.append(v)
            elif isinstance(v, str) and len(v) >= 10:
                try:
                    days.append(date.fromisoformat(v[:10]))
                except ValueError:
                    pass
    return days


def event_label_rows(days: list[date], labels: list[str], span_days: int) -> list[int]:
    """The row (0 = just above the plot) of each label, days in order. Each label starts at its event and
    runs right, and takes the row above every later label that starts under it: no two labels overlap and
    no leader line (from the plot's top edge up to a label) crosses another label. Where that would need
    more than max_rows rows, a label takes the lowest row that no later label under it uses (a leader may
    then cross it), else the row whose label under it starts furthest right (the least overlap)."""
    cfg = EVENT_LABELS
    days_per_px = max(span_days, 1) / cfg["plot_px"]
    rows = [0] * len(days)
    for i in range(len(days) - 1, -1, -1):
        end = days[i].toordinal() + (len(labels[i]) * cfg["char_px"] + cfg["gap_px"]) * days_per_px
        under = [j for j in range(i + 1, len(days)) if days[j].toordinal() <= end]
        wanted = max((rows[j] + 1 for j in under), default=0)
        if wanted < cfg["max_rows"]:
            rows[i] = wanted
            continue
        first_start = {r: min((days[j] for j in under if rows[j] == r), default=None) for r in range(cfg["max_rows"])}
        free = [r for r, start in first_start.items() if start is None]
        rows[i] = free[0] if free else max(first_start, key=lambda r: (first_start[r], -r))
    return rows


def add_event_markers(fig: go.Figure, events: pl.DataFrame) -> go.Figure:
    """Mark events on a time-axis chart: per category, faint vertical lines and a hoverable triangle at the
    top, in the category's color, on a hidden 0..1 axis (one trace per category renders far faster than a
    shape per event). Key events are labelled above the plot, in rows so that labels do not overlap."""
    if events.is_empty():
        return fig
    present = set(events["category"].to_list())
    categories = [c for c in EVENT_CATEGORY_COLORS if c in present] + sorted(present - set(EVENT_CATEGORY_COLORS))
    for cat in categories:
        part = events.filter(pl.col("category") == cat)
        dates = part["date"].to_list()
        color, group = _event_color(cat), f"event:{cat}"
        xs, ys = [], []
        for d in dates:
            xs += [d, d, None]
            ys += [0, 1, None]
        fig.add_trace(go.Scatter(
            x=xs, y=ys, yaxis="y2", mode="lines", line=dict(color=color, width=1, dash="dot"), opacity=0.35,
            hoverinfo="skip", showlegend=False, legendgroup=group, name=f"Event lines: {plotly_text(cat)}"))
        fig.add_trace(go.Scatter(
            x=dates, y=[1.0] * len(dates), yaxis="y2", mode="markers", name=f"Event: {plotly_text(cat)}",
            legendgroup=group, cliponaxis=False,
            marker=dict(symbol="triangle-down", size=13, color=color, line=dict(width=1, color="white")),
            hoverlabel=dict(bgcolor=color, font=dict(color="white")),
            customdata=_custom(part, "title", "category"),
            hovertemplate="%{x|%Y-%m-%d}<br><b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    fig.update_layout(yaxis2=dict(overlaying="y", range=[0, 1.04], visible=False, fixedrange=True),
                      hoverdistance=30)
    _label_key_events(fig, events)
    return fig


def _label_key_events(fig: go.Figure, events: pl.DataFrame) -> None:
    if "key" not in events.columns:
        return
    key = events.filter(pl.col("key").fill_null(False)).sort("date", maintain_order=True)
    if key.is_empty():
        return
    days = _x_dates(fig, events["date"].to_list())
    labels = [row.get("label") or row["title"] for row in key.iter_rows(named=True)]
    rows = event_label_rows(key["date"].to_list(), labels, (max(days) - min(days)).days)
    cfg = EVENT_LABELS
    for row, label, r in zip(key.iter_rows(named=True), labels, rows):
        color = _event_color(row["category"])
        fig.add_annotation(
            x=row["date"], xref="x", y=1, yref="paper", showarrow=True, arrowhead=0, arrowwidth=1,
            arrowcolor=color, standoff=0, ax=0, ay=-(10 + r * cfg["row_px"]), axref="pixel", ayref="pixel",
            xanchor="left", yanchor="bottom", text=plotly_text(label), borderpad=0,
            hovertext=plotly_text(f"{row['date']:%Y-%m-%d} · {row['title']}"),
            font=dict(size=cfg["font_size"], color=color))
    band = 10 + (max(rows) + 1) * cfg["row_px"]
    top = (fig.layout.margin.t or 60) + band
    fig.update_layout(margin_t=top, title=dict(yref="container", y=1, yanchor="top", pad=dict(t=16)),
                      height=(fig.layout.height or 450) + band)


COMPUTE_TICKS = [1e20, 1e21, 1e22, 1e23, 1e24, 1e25, 1e26]


def compute_chart(df: pl.DataFrame, frontier: pl.DataFrame | None = None, total: int | None = None) -> go.Figure:
    """Log-scale scatter of training compute over time, one WebGL trace per country, with each country's record
    line. `total`: how many points matched when `df` is a sample."""
    fig = go.Figure()
    for country, part in _by_country(df):
        fig.add_trace(go.Scattergl(
            x=_epoch_ms(part["release_date"]), y=part["training_compute_flop"].to_numpy(), mode="markers",
            name=plotly_text(country_name(country)), legendgroup=country,
            marker=dict(color=country_color(country), size=9, opacity=0.85, line=dict(width=0.5, color="white")),
            customdata=_escaped_columns(part, "model_id", "name", "evidence"),
            hovertemplate=("<b>%{customdata[1]}</b><br>%{x|%Y-%m-%d}<br>"
                           "Training compute: %{y:.2e} FLOP<br>Evidence: %{customdata[2]}<extra></extra>")))
    _record_lines(fig, frontier, "training_compute_flop", "record")
    fig.update_xaxes(type="date")
    fig.update_yaxes(type="log", tickvals=COMPUTE_TICKS, ticktext=[f"{v:.0e}".replace("e+", "e") for v in COMPUTE_TICKS])
    _sample_note(fig, df.height, total)
    return _layout(fig, "Training compute of open-weight models over time", "Release date",
                   "Training compute (FLOP, log scale)", height=620)


# --- scatter helpers: whole columns as NumPy arrays, no per-point Python -------------------------------

SCATTER_MAX_POINTS = 20_000  # a scatter above this many points draws a sample of this many (the SQL's $limit)
ARCH_LEGEND = {"dense": "circle = dense", "moe": "diamond = MoE"}


def _by_country(df: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    """The rows of each country, most points first (legend order)."""
    parts = df.partition_by("country", as_dict=True, maintain_order=True)
    counted = df.group_by("country").len("_n")
    return [(country, parts[(country,)]) for country in ordered_groups(counted, "country", "_n")]


def _epoch_ms(dates: pl.Series):
    """Dates as milliseconds since 1970 (a date axis reads them as dates), sent as a typed array, not strings."""
    return dates.cast(pl.Datetime("ms")).dt.epoch("ms").cast(pl.Float64).to_numpy()


def _arch_symbols(architecture: pl.Series):
    return architecture.replace_strict(ARCH_SYMBOLS, default="circle", return_dtype=pl.String).to_numpy()


def escaped_text(column: str) -> pl.Expr:
    """`plotly_text` as a Polars expression: HTML special characters and % as entities, for a whole column."""
    return (pl.col(column).str.replace_all("&", "&amp;", literal=True).str.replace_all("<", "&lt;", literal=True)
            .str.replace_all(">", "&gt;", literal=True).str.replace_all("%", "&#37;", literal=True))


def _escaped_columns(df: pl.DataFrame, *columns: str):
    """customdata: the columns as one NumPy array, text escaped for Plotly."""
    return df.select(escaped_text(c) if df.schema[c] == pl.String else pl.col(c) for c in columns).to_numpy()


def _arch_legend(fig: go.Figure) -> None:
    """Two legend entries that say what the marker shapes mean (they draw nothing)."""
    for arch, text in ARCH_LEGEND.items():
        fig.add_trace(go.Scattergl(
            x=[None], y=[None], mode="markers", name=text, legendgroup="architecture", legendrank=2000,
            marker=dict(symbol=ARCH_SYMBOLS[arch], color="#8C8C8C", size=9), hoverinfo="skip"))


def _sample_note(fig: go.Figure, shown: int, total: int | None) -> None:
    if total is not None and total > shown:
        fig.add_annotation(text=f"Showing a sample of {shown:,} of {total:,} points", xref="paper", yref="paper",
                           x=1, y=1.0, xanchor="right", yanchor="bottom", showarrow=False,
                           font=dict(size=12, color="#6B6B6B"))


# --- organizations and size leads ------------------------------------------------------------------------

# Organizations get their own palette (Plotly's Dark24), apart from the country colours: an organization's
# colour says nothing about its country, which the legend ('DeepSeek (CN)') and the hover name instead.
# Colours go by rank in the chart, so the top N (at most 15) never share one; Other keeps the grey of Other.
ORG_COLORS = list(plotly.colors.qualitative.Dark24)
OTHER_COLOR = COUNTRY_COLORS["Other"]


def organization_label(organization: str, country: str | None) -> str:
    """'DeepSeek (CN)'; 'Other' for the group of the rest."""
    return plotly_text(organization if organization == "Other" or not country else f"{organization} ({country})")


def organizations_chart(df: pl.DataFrame, mode: str, period: str, as_of: date | None = None) -> go.Figure:
    """Releases per period by organization group (top N plus Other): mode 'stacked' or 'lines'. Periods are
    drawn at their middle; the incomplete one (holding `as_of`) is lighter, hatched and says 'to date'."""
    fig = go.Figure()
    countries = dict(df.select("organization_group", "country").unique().iter_rows())
    for rank, group in enumerate(ordered_groups(df, "organization_group", "releases")):
        part = df.filter(pl.col("organization_group") == group)
        country = countries.get(group)
        color = OTHER_COLOR if group == "Other" else ORG_COLORS[rank % len(ORG_COLORS)]
        label = organization_label(group, country)
        hover_name = plotly_text(group if group == "Other" or not country else f"{group} ({country_name(country)})")
        axis = period_axis(part["period_start"].to_list(), period, as_of)
        note = [" (" + lab + ")" if inc else "" for lab, inc in zip(axis["label"], axis["incomplete"])]
        common = dict(x=axis["x"], y=part["releases"].to_list(), name=label, customdata=note,
                      hovertemplate=hover_name + ": %{y}%{customdata}<extra></extra>")
        if mode == "lines":
            fig.add_trace(go.Scatter(
                mode="lines+markers", line_color=color,
                marker=dict(color=color, size=8,
                            symbol=["circle-open" if inc else "circle" for inc in axis["incomplete"]]),
                **common))
        else:
            fig.add_trace(go.Bar(
                width=axis["width"],
                marker=dict(color=color,
                            opacity=[INCOMPLETE["opacity"] if inc else 1 for inc in axis["incomplete"]],
                            pattern=dict(shape=[INCOMPLETE["pattern"] if inc else "" for inc in axis["incomplete"]])),
                **common))
    fig.update_layout(barmode="stack")
    mark_incomplete(fig, df["period_start"].to_list(), period, as_of)
    time_axis(fig, period)
    return _layout(fig, f"Open-weight releases per {period}, by organization", PERIOD_LABEL[period],
                   f"Model checkpoints per {period}", legend="Organization", hovermode="x unified")


# The blocs of the size-lead frame: its column prefix and the bloc's name (and colour).
LEAD_BLOCS = {"us": "United States", "cn": "China", "row": "Rest of world"}


def threshold_label(metric: str, threshold_b: float) -> str:
    """'≥ 100B total', '≥ 1T total', '≥ 30B active'."""
    size = f"{threshold_b / 1000:g}T" if threshold_b >= 1000 else f"{threshold_b:g}B"
    return f"≥ {size} {metric}"


def size_leads_chart(df: pl.DataFrame) -> go.Figure:
    """Who reached each size first: one row per threshold, one marker per bloc at the day of its first open
    release at or above it, a grey line spanning the US and China firsts, and the lead in months beside it."""
    labels = [threshold_label(m, t) for m, t in df.select("metric", "threshold_b").rows()]
    fig = go.Figure()
    gap_x, gap_y = [], []
    for label, us, cn in zip(labels, df["us_date"].to_list(), df["cn_date"].to_list()):
        if us is not None and cn is not None:
            gap_x += [us, cn, None]
            gap_y += [label, label, None]
    fig.add_trace(go.Scatter(x=gap_x, y=gap_y, mode="lines", line=dict(color="#BBBBBB", width=3),
                             name="US–China gap", hoverinfo="skip"))
    for prefix, bloc in LEAD_BLOCS.items():
        fig.add_trace(go.Scatter(
            x=df[f"{prefix}_date"].to_list(), y=labels, mode="markers", name=bloc,
            marker=dict(color=COUNTRY_COLORS[bloc], size=13, line=dict(width=1, color="white")),
            customdata=_custom(df, f"{prefix}_model", f"{prefix}_organization"),
            hovertemplate=(f"<b>{bloc}</b> %{{y}}: %{{customdata[0]}} (%{{customdata[1]}})<br>"
                           "%{x|%Y-%m-%d}<extra></extra>")))
    for label, row in zip(labels, df.iter_rows(named=True)):
        if row["leader"] not in ("United States", "China"):
            continue
        latest = max(d for d in (row["us_date"], row["cn_date"], row["row_date"]) if d is not None)
        who = "US" if row["leader"] == "United States" else "China"
        text = f"only {who} so far" if row["lead_months"] is None else f"{who} first by {row['lead_months']:g} months"
        fig.add_annotation(x=latest, y=label, xshift=14, xanchor="left", showarrow=False, text=text,
                           font=dict(size=11, color="#6B6B6B"))
    fig.update_xaxes(type="date")
    fig.update_yaxes(type="category", categoryorder="array", categoryarray=labels, autorange="reversed")
    return _layout(fig, "First open release at or above each size, by bloc", "First release at or above the size",
                   "Parameters", legend="Bloc", height=max(320, 50 * len(labels) + 160))

"""Pure chart builders: a Polars frame in, a Plotly figure out. No Streamlit here.

Every builder draws exactly the columns of the frame it is given, so the frame a page passes to
a builder is also the frame it offers as CSV. Plotly renders a subset of HTML in titles, legends, axis
labels and hover text, so every data value put into Plotly text goes through `plotly_text` (validation
already refuses markup; this is the second line of defence).
"""

from __future__ import annotations

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
CLASS_COLORS = {
    "unrestricted": "#009E73", "restricted-use": "#E69F00", "non-commercial": "#CC79A7",
    "unconfirmed": "#BBBBBB",
    "weights": "#8C8C8C", "weights+code": "#56B4E9", "weights+code+data": "#0072B2",
    "before": "#8C8C8C", "after": "#D55E00",
}
# Stacking order of the class charts, bottom first: the open end at the base, the unknown on top.
CLASS_ORDER = ["unrestricted", "restricted-use", "non-commercial", "weights", "weights+code", "weights+code+data",
               "before", "after", "unconfirmed"]
ARCH_SYMBOLS = {"dense": "circle", "moe": "diamond"}
EVENT_SYMBOL_COLOR = "#6B6B6B"
PERIOD_LABEL = {"month": "Month", "quarter": "Quarter", "year": "Year"}


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
    fig.update_layout(
        title=dict(text=title), xaxis_title=x, yaxis_title=y, legend_title_text=kw.pop("legend", "Country"),
        hovermode=kw.pop("hovermode", "closest"), margin=dict(t=60, l=10, r=10, b=10), **kw,
    )
    return fig


def releases_chart(df: pl.DataFrame, value: str, mode: str, period: str, unit: str) -> go.Figure:
    """Releases per period by country group: mode 'stacked', 'lines' or 'percent' (100% stacked)."""
    what = "model checkpoints" if unit == "checkpoints" else "family launches"
    fig = go.Figure()
    for group in ordered_groups(df, "country_group", value):
        part = df.filter(pl.col("country_group") == group)
        common = dict(x=part["period_start"].to_list(), y=part[value].to_list(), name=group_label(group),
                      marker_color=country_color(group),
                      hovertemplate="%{x|%Y-%m-%d}<br>" + group_label(group) + ": %{y}<extra></extra>")
        if mode == "lines":
            fig.add_trace(go.Scatter(mode="lines+markers", line_color=country_color(group), **common))
        else:
            fig.add_trace(go.Bar(**common))
    y_title = {"share_pct": f"Share of {what} (%)", "cumulative_releases": f"Cumulative {what}"}.get(
        value, f"{what.capitalize()} per {period}")
    fig.update_layout(barmode="stack")
    return _layout(fig, f"Open-weight releases per {period}, by country", PERIOD_LABEL[period], y_title)


def cumulative_chart(df: pl.DataFrame) -> go.Figure:
    """Cumulative releases by country group over time (lines)."""
    fig = go.Figure()
    for group in ordered_groups(df, "country_group", "cumulative_releases"):
        part = df.filter(pl.col("country_group") == group)
        fig.add_trace(go.Scatter(
            x=part["period_start"].to_list(), y=part["cumulative_releases"].to_list(), mode="lines",
            name=group_label(group), line=dict(color=country_color(group), width=2.5),
            hovertemplate="%{x|%b %Y}<br>" + group_label(group) + ": %{y} releases<extra></extra>"))
    return _layout(fig, "Cumulative open-weight releases by country", "Month", "Releases (cumulative)")


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


def moe_share_chart(df: pl.DataFrame, period: str) -> go.Figure:
    """MoE share per period and country group. Lines join only periods with at least SHARE_MIN_RELEASES
    releases (a period with none, or with fewer, breaks the line); small samples are faded points; n in hover."""
    fig = go.Figure()
    periods = sorted(df["period_start"].unique().to_list())
    faded_legend = True
    for group in ordered_groups(df, "country_group", "releases"):
        part = df.filter(pl.col("country_group") == group)
        by_period = {r["period_start"]: r for r in part.iter_rows(named=True)}
        solid = [by_period.get(p) if by_period.get(p) and by_period[p]["releases"] >= SHARE_MIN_RELEASES else None
                 for p in periods]
        hover = ("%{x|%Y-%m-%d}<br>" + group_label(group)
                 + ": %{y}% (%{customdata[0]} of %{customdata[1]} releases)<extra></extra>")
        fig.add_trace(go.Scatter(
            x=periods, y=[r["moe_share_pct"] if r else None for r in solid], mode="lines+markers",
            name=group_label(group), legendgroup=group, line_color=country_color(group),
            customdata=[(r["moe_releases"], r["releases"]) if r else (None, None) for r in solid],
            hovertemplate=hover))
        small = part.filter(pl.col("releases") < SHARE_MIN_RELEASES)
        if not small.is_empty():
            fig.add_trace(go.Scatter(
                x=small["period_start"].to_list(), y=small["moe_share_pct"].to_list(), mode="markers",
                name=f"fewer than {SHARE_MIN_RELEASES} releases", legendgroup="small", showlegend=faded_legend,
                marker=dict(color=country_color(group), opacity=0.3, size=7),
                customdata=small.select("moe_releases", "releases").rows(), hovertemplate=hover))
            faded_legend = False
    fig.add_hline(y=50, line=dict(color="#8C8C8C", width=1, dash="dash"), annotation_text="50%",
                  annotation_position="top left")
    fig.update_yaxes(range=[0, 105])
    return _layout(fig, f"Share of releases that are Mixture-of-Experts, per {period}", PERIOD_LABEL[period],
                   "MoE share of releases (%)")


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
               x: str = "country_group", x_title: str = "Country") -> go.Figure:
    """Stacked bars of `value` per `x`, one trace per class in `category`."""
    fig = go.Figure()
    classes = df[category].unique().to_list()
    for cls in sorted(classes, key=lambda c: (CLASS_ORDER.index(c) if c in CLASS_ORDER else len(CLASS_ORDER), c)):
        part = df.filter(pl.col(category) == cls)
        xs = part[x].to_list()
        fig.add_trace(go.Bar(
            x=[group_label(v) for v in xs] if x == "country_group" else _texts(xs), y=part[value].to_list(),
            name=plotly_text(cls), marker_color=CLASS_COLORS.get(cls, country_color(cls)),
            hovertemplate="%{x}<br>" + plotly_text(cls) + ": %{y}<extra></extra>"))
    fig.update_layout(barmode="stack")
    if x == "country_group":
        order = [group_label(g) for g in ordered_groups(df, x, value)]
        fig.update_xaxes(categoryorder="array", categoryarray=order)
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
            marker=dict(size=11, symbol="line-ns-open", line_width=2),
            customdata=_custom(part, "title", "actor"),
            hovertemplate="%{x|%Y-%m-%d}<br><b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    return _layout(fig, "Events timeline", "Date", "Category", legend="Category", showlegend=False,
                   height=max(300, 60 * df["category"].n_unique() + 120))


def add_event_markers(fig: go.Figure, events: pl.DataFrame) -> go.Figure:
    """Mark events on a time-axis chart: faint vertical lines and a hoverable triangle at the top,
    each drawn as one trace on a hidden 0..1 axis (one trace renders far faster than a shape per event)."""
    if events.is_empty():
        return fig
    dates = events["date"].to_list()
    xs, ys = [], []
    for d in dates:
        xs += [d, d, None]
        ys += [0, 1, None]
    fig.add_trace(go.Scatter(
        x=xs, y=ys, yaxis="y2", mode="lines", line=dict(color=EVENT_SYMBOL_COLOR, width=1, dash="dot"),
        opacity=0.35, hoverinfo="skip", showlegend=False, name="Event lines"))
    fig.add_trace(go.Scatter(
        x=dates, y=[1.0] * len(dates), yaxis="y2", mode="markers", name="Events",
        marker=dict(symbol="triangle-down", size=11, color=EVENT_SYMBOL_COLOR),
        customdata=_custom(events, "title", "category"),
        hovertemplate="%{x|%Y-%m-%d}<br><b>%{customdata[0]}</b><br>%{customdata[1]}<extra></extra>"))
    fig.update_layout(yaxis2=dict(overlaying="y", range=[0, 1.04], visible=False, fixedrange=True))
    return fig


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

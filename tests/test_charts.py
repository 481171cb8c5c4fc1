"""Pure chart builders: small samples are not drawn as if they were solid; scatters are WebGL with typed arrays."""

from __future__ import annotations

import html
from datetime import date

import numpy as np
import plotly.graph_objects as go
import polars as pl

from openmodels.charts import (ARCH_LEGEND, COUNTRY_COLORS, EVENT_CATEGORY_COLORS, EVENT_LABELS, EXTRA_COLORS,
                               SHARE_MIN_RELEASES, active_ratio_chart, add_event_markers, compute_chart,
                               cumulative_chart, escaped_text, event_label_rows, events_timeline_chart,
                               moe_share_chart, scale_chart)
from openmodels.contract import contract
from openmodels.text import plotly_text


def test_moe_share_fades_small_samples_breaks_lines_and_marks_fifty_percent():
    df = pl.DataFrame({
        "period_start": [date(2023, 1, 1), date(2024, 1, 1), date(2025, 1, 1), date(2024, 1, 1)],
        "country_group": ["CN", "CN", "CN", "US"],
        "releases": [1, 8, 10, 2],
        "moe_releases": [1, 2, 5, 0],
        "moe_share_pct": [100.0, 25.0, 50.0, 0.0],
    })
    fig = moe_share_chart(df, "year")
    cn = next(t for t in fig.data if t.name == "China")
    assert list(cn.y) == [None, 25.0, 50.0]  # the 1-release year is not part of the line
    us = next(t for t in fig.data if t.name == "United States")
    assert list(us.y) == [None, None, None]  # 2 releases: no line at all, and no line across empty years
    faded = [t for t in fig.data if t.name == f"fewer than {SHARE_MIN_RELEASES} releases"]
    assert sorted(y for t in faded for y in t.y) == [0.0, 100.0]
    assert all(t.marker.opacity < 1 for t in faded) and sum(bool(t.showlegend) for t in faded) == 1
    assert "releases" in cn.hovertemplate and "customdata[1]" in cn.hovertemplate
    assert [s.y0 for s in fig.layout.shapes] == [50]


def _releases(starts, counts, group="CN"):
    return pl.DataFrame({"period_start": starts, "country_group": [group] * len(starts), "releases": counts})


def test_periods_are_drawn_at_their_middle_and_labelled_like_people_write_them():
    from openmodels.charts import period_axis, period_text
    assert [period_text(date(2025, 7, 1), p) for p in ("year", "quarter", "month")] == ["2025", "Q3 2025", "Jul 2025"]
    axis = period_axis([date(2025, 1, 1), date(2026, 1, 1)], "year", as_of=date(2026, 12, 2))
    assert [x.date() for x in axis["x"]] == [date(2025, 7, 2), date(2026, 7, 2)]
    assert axis["label"] == ["2025", "2026 to date"] and axis["incomplete"] == [False, True]
    q = period_axis([date(2026, 10, 1)], "quarter", as_of=date(2026, 12, 31))
    assert q["incomplete"] == [False] and q["label"] == ["Q4 2026"]  # data to the last day: complete


def test_the_incomplete_period_is_lighter_hatched_and_says_to_date():
    from openmodels.charts import releases_chart
    df = _releases([date(2026, 7, 1), date(2026, 10, 1)], [30, 1])
    fig = releases_chart(df, "releases", "stacked", "quarter", "checkpoints", as_of=date(2026, 12, 2))
    bar = fig.data[0]
    assert list(bar.marker.opacity) == [1, 0.45] and list(bar.marker.pattern.shape) == ["", "/"]
    assert list(bar.customdata) == ["", " (Q4 2026 to date)"] and "%{customdata}" in bar.hovertemplate
    shaded = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(shaded) == 1 and shaded[0].x0 == date(2026, 10, 1)
    assert any("Q4 2026 to date" in a.text for a in fig.layout.annotations)
    assert fig.layout.hovermode == "x unified" and fig.layout.xaxis.hoverformat == "Q%q %Y"
    complete = releases_chart(df, "releases", "stacked", "quarter", "checkpoints", as_of=date(2026, 12, 31))
    assert list(complete.data[0].marker.opacity) == [1, 1] and not complete.layout.shapes


def test_lines_mark_the_incomplete_point_open_and_shares_hover_in_percent():
    from openmodels.charts import releases_chart
    df = _releases([date(2025, 1, 1), date(2026, 1, 1)], [50, 100]).rename({"releases": "share_pct"})
    fig = releases_chart(df, "share_pct", "lines", "year", "checkpoints", as_of=date(2026, 12, 2))
    assert list(fig.data[0].marker.symbol) == ["circle", "circle-open"]
    assert "%{y}%" in fig.data[0].hovertemplate and fig.layout.xaxis.hoverformat == "%Y"


def test_moe_share_and_licence_periods_say_to_date_too():
    from openmodels.charts import share_bars
    df = pl.DataFrame({"period_start": [date(2025, 1, 1), date(2026, 1, 1)], "accessibility": ["unrestricted"] * 2,
                       "share_pct": [60.0, 70.0]})
    fig = share_bars(df, "accessibility", "share_pct", "t", "y", x="period_start", x_title="Year", period="year",
                     as_of=date(2026, 12, 2))
    assert list(fig.data[0].customdata) == ["", " (2026 to date)"] and "%{y}%" in fig.data[0].hovertemplate
    moe = pl.DataFrame({"period_start": [date(2025, 1, 1), date(2026, 1, 1)], "country_group": ["CN", "CN"],
                        "releases": [10, 6], "moe_releases": [5, 3], "moe_share_pct": [50.0, 50.0]})
    fig = moe_share_chart(moe, "year", as_of=date(2026, 12, 2))
    assert [c[2] for c in fig.data[0].customdata] == ["2025", "2026 to date"]


def test_no_class_or_window_colour_is_a_country_colour():
    from openmodels.charts import CLASS_COLORS, COUNTRY_COLORS, EXTRA_COLORS
    countries = {c.lower() for c in list(COUNTRY_COLORS.values()) + EXTRA_COLORS}
    assert not countries & {c.lower() for c in CLASS_COLORS.values()}


def _events(**extra) -> pl.DataFrame:
    frame = pl.DataFrame({
        "event_id": ["rules-22", "llama-2", "act", "r1", "v3", "gpt-oss"],
        "date": [date(2022, 10, 7), date(2023, 7, 18), date(2024, 8, 1), date(2025, 1, 20), date(2024, 12, 26),
                 date(2025, 8, 5)],
        "title": ["US chip export controls", "Llama 2 released", "EU AI Act in force", "DeepSeek-R1 released",
                  "DeepSeek-V3 released", "gpt-oss released"],
        "category": ["export-control", "release", "policy", "release", "release", "release"],
        "actor": ["BIS", "Meta", "EU", "DeepSeek", "DeepSeek", "OpenAI"],
        "key": [True, True, False, True, False, True],
        "label": ["US chip rules", "Llama 2", None, "DeepSeek-R1", None, "gpt-oss"],
    })
    return frame.with_columns(**{k: pl.lit(v) for k, v in extra.items()})


def _base() -> go.Figure:
    return cumulative_chart(pl.DataFrame({
        "period_start": [date(2022, 1, 1), date(2025, 12, 1)], "country_group": ["US", "US"],
        "cumulative_releases": [1, 9]}))


def test_event_markers_are_one_trace_per_category_in_its_color_with_a_legend_entry():
    fig = add_event_markers(_base(), _events())
    markers = {t.name: t for t in fig.data if t.name and t.name.startswith("Event: ")}
    assert list(markers) == ["Event: policy", "Event: export-control", "Event: release"]  # the contract's order
    for name, trace in markers.items():
        cat = name.removeprefix("Event: ")
        assert trace.marker.color == EVENT_CATEGORY_COLORS[cat] and trace.showlegend is not False
        assert trace.yaxis == "y2" and set(trace.y) == {1.0} and trace.hoverinfo != "skip"
        assert [c[1] for c in trace.customdata] == [cat] * len(trace.x)
    assert sorted(markers["Event: release"].x) == [date(2023, 7, 18), date(2024, 12, 26), date(2025, 1, 20),
                                                   date(2025, 8, 5)]
    lines = [t for t in fig.data if t.mode == "lines" and t.yaxis == "y2"]
    assert lines and all(t.hoverinfo == "skip" and t.showlegend is False for t in lines)
    assert {t.line.color for t in lines} == set(EVENT_CATEGORY_COLORS[c] for c in ("export-control", "release", "policy"))
    # a marker and its category's lines share a legend group: one click hides both
    assert {t.legendgroup for t in lines} == {t.legendgroup for t in markers.values()}
    # the marker traces are drawn last, over the data, so the data never covers their hover
    assert all(t.name.startswith("Event") for t in fig.data[1:])


def test_event_category_colors_are_apart_from_the_country_colors():
    assert set(EVENT_CATEGORY_COLORS) == set(contract().table("events").field("category").constraints["enum"])
    assert not set(EVENT_CATEGORY_COLORS.values()) & (set(COUNTRY_COLORS.values()) | set(EXTRA_COLORS))
    assert len(set(EVENT_CATEGORY_COLORS.values())) == len(EVENT_CATEGORY_COLORS)


def test_only_key_events_are_labelled_and_the_labels_do_not_share_a_row_where_they_would_overlap():
    fig = add_event_markers(_base(), _events())
    labels = {a.text: a for a in fig.layout.annotations}
    assert sorted(labels) == ["DeepSeek-R1", "Llama 2", "US chip rules", "gpt-oss"]
    assert labels["DeepSeek-R1"].font.color == EVENT_CATEGORY_COLORS["release"]
    assert labels["US chip rules"].font.color == EVENT_CATEGORY_COLORS["export-control"]
    assert labels["DeepSeek-R1"].hovertext == "2025-01-20 · DeepSeek-R1 released"
    assert all(a.yref == "paper" and a.y == 1 and a.yanchor == "bottom" for a in labels.values())
    assert fig.layout.margin.t > 60  # room for the labels above the plot, under the title
    assert add_event_markers(_base(), _events(key=False)).layout.annotations == ()


def _overlaps(days, labels, rows, span_days):
    """Pairs of labels that share a row and overlap, by the estimate the layout uses."""
    cfg, out = EVENT_LABELS, []
    per_day = cfg["plot_px"] / span_days
    for i in range(len(days)):
        end_i = days[i].toordinal() + (len(labels[i]) * cfg["char_px"] + cfg["gap_px"]) / per_day
        out += [(i, j) for j in range(i + 1, len(days)) if rows[j] == rows[i] and days[j].toordinal() <= end_i]
    return out


def test_event_label_rows_stack_close_labels_and_reuse_a_row_once_it_is_free():
    days = [date(2025, 7, 11), date(2025, 7, 23), date(2025, 7, 30), date(2026, 4, 10)]
    labels = ["OpenAI delays open model", "US AI Action Plan", "Meta 'careful'", "Alibaba"]
    rows = event_label_rows(days, labels, span_days=1000)
    assert rows[:3] == [2, 1, 0]  # a week or two apart: the earliest on top, so no leader line crosses a label
    assert rows[3] == 0  # months later the lowest row is free again
    assert not _overlaps(days, labels, rows, 1000)
    crowded = [date(2025, 1, d) for d in range(1, 20)]
    rows = event_label_rows(crowded, ["label"] * 19, span_days=2500)
    assert max(rows) == EVENT_LABELS["max_rows"] - 1  # never more rows than there is room for


def test_the_shipped_key_events_get_labels_that_do_not_overlap():
    from openmodels.contract import DATA_DIR

    key = pl.read_csv(DATA_DIR / "events.csv", infer_schema=False).filter(pl.col("key") == "true").sort("date")
    days = [date.fromisoformat(d) for d in key["date"]]
    for span in (2920, 2000):  # 2019 to 2026, and a narrower date range
        rows = event_label_rows(days, key["label"].to_list(), span)
        assert not _overlaps(days, key["label"].to_list(), rows, span), span


def test_event_text_reaches_plotly_escaped():
    hostile = '<a href="https://evil.example">x</a>'
    events = _events().with_columns(pl.lit(hostile).alias("title"), pl.lit(hostile).alias("label"))
    fig = add_event_markers(_base(), events)
    texts = [c[0] for t in fig.data if t.customdata is not None and (t.name or "").startswith("Event")
             for c in t.customdata]
    texts += [a.text for a in fig.layout.annotations] + [a.hovertext for a in fig.layout.annotations]
    assert texts and all("<a " not in s and "&lt;a href" in s for s in texts)


def test_the_events_timeline_uses_the_category_colors():
    fig = events_timeline_chart(_events())
    assert {t.name: t.marker.line.color for t in fig.data} == {
        c: EVENT_CATEGORY_COLORS[c] for c in ("export-control", "policy", "release")}


# --- the scatters: WebGL, one trace per country, typed arrays, a marker per point --------------------

POINTS = pl.DataFrame({
    "model_id": ["a-1", "b-2", "c-3", "d-4", "e-5"],
    "name": ["A <b>1</b>", "B 2", "C 100%", "D & 4", "E 5"],
    "country": ["CN", "US", "CN", "CN", "US"],
    "release_date": [date(2023, 1, 1), date(2023, 6, 1), date(2024, 1, 1), date(2024, 6, 1), date(2025, 1, 1)],
    "params_total_b": [7.0, 70.0, 236.0, 671.0, 8.0],
    "params_active_b": [7.0, 70.0, 21.0, 37.0, 8.0],
    "architecture": ["dense", "dense", "moe", "moe", "dense"],
    "training_compute_flop": [1e22, 3e23, 1e24, 3e24, 2e22],
    "evidence": ["primary", "reference", "primary", "reported", "primary"],
    "organization": ["Org"] * 5,
    "active_pct": [100.0, 100.0, 8.9, 5.51, 100.0],
})


def _drawn(fig: go.Figure) -> list:
    return [t for t in fig.data if t.x is not None and len(t.x) and t.x[0] is not None and "frontier" not in t.name]


def test_scale_draws_one_webgl_trace_per_country_with_a_symbol_per_point():
    fig = scale_chart(POINTS, "total")
    drawn = _drawn(fig)
    assert [t.name for t in drawn] == ["China", "United States"]  # most points first
    assert all(isinstance(t, go.Scattergl) for t in fig.data)
    cn = drawn[0]
    assert list(cn.marker.symbol) == ["circle", "diamond", "diamond"]  # dense, moe, moe in date order
    assert list(drawn[1].marker.symbol) == ["circle", "circle"]
    assert isinstance(cn.y, np.ndarray) and cn.y.dtype == np.float64 and list(cn.y) == [7.0, 236.0, 671.0]
    assert isinstance(cn.x, np.ndarray) and fig.layout.xaxis.type == "date"
    assert list(cn.x) == [float(np.datetime64(d, "ms").astype(np.int64)) for d in ("2023-01-01", "2024-01-01",
                                                                                  "2024-06-01")]
    assert [row[0] for row in cn.customdata] == ["a-1", "c-3", "d-4"]  # the click finds the model by its id
    assert "customdata[1]" in cn.hovertemplate and "%{x|%Y-%m-%d}" in cn.hovertemplate and "%{y}" in cn.hovertemplate
    legend = [t for t in fig.data if t.legendgroup == "architecture"]
    assert [(t.name, t.marker.symbol) for t in legend] == [(ARCH_LEGEND["dense"], "circle"),
                                                          (ARCH_LEGEND["moe"], "diamond")]
    assert all(list(t.y) == [None] for t in legend)  # legend entries only, nothing drawn
    active = _drawn(scale_chart(POINTS, "active"))[0]
    assert list(active.y) == [7.0, 21.0, 37.0]


def test_scatter_text_is_escaped_like_plotly_text():
    hostile = ["<script>x</script>", "50% & <b>", "plain", "&amp;", "<<>>%%"]
    got = pl.DataFrame({"t": hostile}).select(escaped_text("t"))["t"].to_list()
    assert got == [plotly_text(v) for v in hostile]
    cn = _drawn(scale_chart(POINTS, "total"))[0]
    assert [row[1] for row in cn.customdata] == ["A &lt;b&gt;1&lt;/b&gt;", "C 100&#37;", "D &amp; 4"]


def test_compute_and_active_ratio_are_webgl_with_typed_arrays():
    compute = compute_chart(POINTS)
    assert all(isinstance(t, go.Scattergl) for t in compute.data)
    assert sorted(v for t in compute.data for v in t.y) == sorted(POINTS["training_compute_flop"].to_list())
    assert all(isinstance(t.y, np.ndarray) for t in compute.data)
    ratio = active_ratio_chart(POINTS.filter(pl.col("architecture") == "moe"))
    assert [t.name for t in ratio.data] == ["China"] and isinstance(ratio.data[0], go.Scattergl)
    assert list(ratio.data[0].y) == [8.9, 5.51]


def test_a_sampled_scatter_says_how_many_points_it_shows_of_how_many():
    for fig in (scale_chart(POINTS, "total", total=12_345), compute_chart(POINTS, total=12_345),
                active_ratio_chart(POINTS, total=12_345)):
        assert [a.text for a in fig.layout.annotations] == ["Showing a sample of 5 of 12,345 points"]
    for fig in (scale_chart(POINTS, "total"), scale_chart(POINTS, "total", total=5), compute_chart(POINTS, total=5)):
        assert not fig.layout.annotations


def _org_frame() -> pl.DataFrame:
    return pl.DataFrame({
        "period_start": [date(2026, 7, 1)] * 3 + [date(2026, 10, 1)] * 3,
        "organization_group": ["DeepSeek", "Meta", "Other"] * 2,
        "country": ["CN", "US", None] * 2,
        "releases": [2, 5, 9, 1, 0, 4],
    })


def test_organizations_chart_names_the_top_n_with_their_country_and_draws_other_last_in_grey():
    from openmodels.charts import COUNTRY_COLORS, ORG_COLORS, organizations_chart
    fig = organizations_chart(_org_frame(), "stacked", "quarter", as_of=date(2026, 12, 2))
    assert [t.name for t in fig.data] == ["Meta (US)", "DeepSeek (CN)", "Other"]  # most releases first
    assert [list(t.y) for t in fig.data] == [[5, 0], [2, 1], [9, 4]]
    colors = [t.marker.color for t in fig.data]
    assert colors[:2] == ORG_COLORS[:2] and colors[2] == COUNTRY_COLORS["Other"]
    assert not set(colors[:2]) & set(COUNTRY_COLORS.values())
    assert fig.data[1].hovertemplate.startswith("DeepSeek (China): %{y}")
    assert fig.layout.barmode == "stack" and fig.layout.legend.title.text == "Organization"


def test_organizations_chart_marks_the_incomplete_period_like_the_releases_chart():
    from openmodels.charts import organizations_chart
    fig = organizations_chart(_org_frame(), "stacked", "quarter", as_of=date(2026, 12, 2))
    bar = fig.data[0]
    assert list(bar.marker.opacity) == [1, 0.45] and list(bar.marker.pattern.shape) == ["", "/"]
    assert list(bar.customdata) == ["", " (Q4 2026 to date)"] and "%{customdata}" in bar.hovertemplate
    shaded = [s for s in fig.layout.shapes if s.type == "rect"]
    assert len(shaded) == 1 and shaded[0].x0 == date(2026, 10, 1)
    assert fig.layout.hovermode == "x unified" and fig.layout.xaxis.hoverformat == "Q%q %Y"
    lines = organizations_chart(_org_frame(), "lines", "quarter", as_of=date(2026, 12, 2))
    assert all(t.type == "scatter" for t in lines.data)
    assert list(lines.data[0].marker.symbol) == ["circle", "circle-open"]


def test_organization_colours_are_their_own_palette_and_enough_for_the_largest_top_n():
    from openmodels.charts import CLASS_COLORS, ORG_COLORS
    from openmodels.ui.widgets import TOP_N_OPTIONS
    taken = {c.lower() for c in [*COUNTRY_COLORS.values(), *EXTRA_COLORS, *CLASS_COLORS.values(),
                                 *EVENT_CATEGORY_COLORS.values()]}
    assert not taken & {c.lower() for c in ORG_COLORS}
    assert len(set(ORG_COLORS)) == len(ORG_COLORS) >= max(TOP_N_OPTIONS)


def test_organization_names_reach_plotly_escaped():
    from openmodels.charts import organizations_chart
    df = _org_frame().with_columns(pl.col("organization_group").replace("Meta", "<b>Evil</b> 100%"))
    fig = organizations_chart(df, "stacked", "quarter")
    assert fig.data[0].name == plotly_text("<b>Evil</b> 100% (US)") and "<b>Evil" not in fig.data[0].hovertemplate


def _leads() -> pl.DataFrame:
    return pl.DataFrame({
        "metric": ["total", "total", "active"], "threshold_b": [100.0, 1000.0, 30.0],
        "us_model": ["Big US", None, "Act US"], "us_organization": ["Meta", None, "Meta"],
        "us_date": [date(2024, 7, 23), None, date(2023, 2, 24)],
        "cn_model": ["Big CN", "Huge CN", "Act CN"], "cn_organization": ["DeepSeek", "Moonshot AI", "DeepSeek"],
        "cn_date": [date(2024, 5, 6), date(2025, 7, 11), date(2024, 12, 26)],
        "row_model": [None, None, "Act FR"], "row_organization": [None, None, "Mistral AI"],
        "row_date": [None, None, date(2023, 12, 11)],
        "leader": ["China", "China", "United States"], "lead_months": [2.6, None, 22.1],
    })


def test_size_leads_chart_puts_one_marker_per_bloc_on_each_threshold_and_spans_the_us_china_gap():
    from openmodels.charts import size_leads_chart
    fig = size_leads_chart(_leads())
    blocs = {t.name: t for t in fig.data if t.mode == "markers"}
    assert list(blocs) == ["United States", "China", "Rest of world"]
    assert list(blocs["China"].y) == ["≥ 100B total", "≥ 1T total", "≥ 30B active"]
    assert list(blocs["United States"].x) == [date(2024, 7, 23), None, date(2023, 2, 24)]
    assert list(blocs["Rest of world"].x) == [None, None, date(2023, 12, 11)]
    assert all(t.marker.color == COUNTRY_COLORS[name] for name, t in blocs.items())
    assert list(blocs["China"].customdata[1]) == ["Huge CN", "Moonshot AI"]
    gap = next(t for t in fig.data if t.mode == "lines")
    # only where both the US and China reached the size
    assert list(gap.x) == [date(2024, 7, 23), date(2024, 5, 6), None, date(2023, 2, 24), date(2024, 12, 26), None]
    assert fig.layout.yaxis.autorange == "reversed" and list(fig.layout.yaxis.categoryarray)[0] == "≥ 100B total"
    assert [(a.y, a.text) for a in fig.layout.annotations] == [("≥ 100B total", "China first by 2.6 months"),
                                                               ("≥ 1T total", "only China so far"),
                                                               ("≥ 30B active", "US first by 22.1 months")]
# --- figure text: the filters and a source line under every title (openmodels.figure_text) ------------------

def _provenance(url: str = "https://example.org/releases?country=CN&country=US&access=unrestricted"):
    from openmodels.figure_text import Provenance
    return Provenance(title="Open Model Geopolitics", version="1.1.0", data_as_of=date(2026, 12, 2),
                      licence="CC-BY-4.0", url=url)


def test_a_figure_gets_its_filters_and_source_line_under_the_title_without_changing_the_one_given():
    from openmodels.charts import releases_chart
    from openmodels.figure_text import annotate, title_text
    fig = releases_chart(_releases([date(2025, 1, 1), date(2025, 4, 1)], [3, 4]), "releases", "stacked", "quarter",
                         "checkpoints")
    before = fig.to_dict()
    out = annotate(fig, "China and United States · unrestricted licences · 2023-01 to 2026-12", _provenance())
    text = title_text(out)
    assert text.startswith("Open-weight releases per quarter, by country China and United States · unrestricted "
                           "licences · 2023-01 to 2026-12 Open Model Geopolitics v1.1.0, data as of 2026-12-02, "
                           "CC-BY-4.0,")
    assert text.replace(" ", "").endswith("https://example.org/releases?country=CN&country=US&access=unrestricted")
    assert fig.to_dict() == before  # a figure shared from the cache is read, never changed
    grow = out.layout.margin.t - fig.layout.margin.t
    assert grow > 0 and out.layout.height - 450 == grow  # the title block takes room above; the plot keeps its own
    assert (out.layout.title.yref, out.layout.title.y, out.layout.title.yanchor) == ("container", 1, "top")
    assert (out.layout.legend.yref, out.layout.legend.y, out.layout.legend.orientation) == ("container", 0, "h")
    assert out.layout.modebar.orientation == "v"


def test_figure_text_lines_fit_a_phone_and_long_titles_wrap_at_words():
    from openmodels.figure_text import SOURCE_TAG, annotate, line_chars
    fig = go.Figure(layout=dict(title=dict(text="Releases 6 months before and after: 2025-01-20 · DeepSeek-R1 "
                                                "released")))
    url = "https://example.org/releases?" + "&".join(f"country={c}" for c in ["CN", "US", "FR", "DE", "GB", "JP"] * 3)
    out = annotate(fig, " · ".join(["China, France, Germany and United States", "unrestricted licences",
                                    "7B to 70B total parameters", "2023-01 to 2026-12"]), _provenance(url))
    title = out.layout.title.text.split("<br>")
    chars = line_chars()
    assert len(title) == 2 and all(len(line) <= chars["title"] for line in title)
    lines = [html.unescape(line.replace(SOURCE_TAG[0], "").replace(SOURCE_TAG[1], ""))
             for line in out.layout.title.subtitle.text.split("<br>")]  # as shown: entities are one character
    assert all(len(line) <= max(chars["subtitle"], chars["source"]) for line in lines)
    assert len(lines) >= 5 and url in "".join(lines)  # the URL whole, broken only after its '?' and '&'
    wide = annotate(fig, "China and United States · unrestricted licences · 2023-01 to 2026-12", _provenance(url),
                    width=900)  # an export: one title line, the subtitle on one line, the URL on one or two
    assert "<br>" not in wide.layout.title.text and wide.layout.title.subtitle.text.count("<br>") <= 3


def test_a_subtitle_from_data_reaches_plotly_escaped():
    from openmodels.figure_text import SOURCE_TAG, annotate
    out = annotate(_base(), '<a href="https://evil.example">x</a> · 100%', _provenance())
    text = out.layout.title.subtitle.text.replace(SOURCE_TAG[0], "").replace(SOURCE_TAG[1], "")
    assert "<a " not in text and "&lt;a href" in text and "100&#37;" in text

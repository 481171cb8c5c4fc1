"""Pure chart builders: small samples are not drawn as if they were solid."""

from __future__ import annotations

from datetime import date

import polars as pl

from openmodels.charts import SHARE_MIN_RELEASES, moe_share_chart


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

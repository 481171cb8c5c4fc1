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

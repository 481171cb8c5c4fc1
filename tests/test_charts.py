"""Pure chart builders: small samples are not drawn as if they were solid; scatters are WebGL with typed arrays."""

from __future__ import annotations

from datetime import date

import numpy as np
import plotly.graph_objects as go
import polars as pl

from openmodels.charts import (ARCH_LEGEND, SHARE_MIN_RELEASES, active_ratio_chart, compute_chart, escaped_text,
                               moe_share_chart, scale_chart)
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

"""Every result a page shows can be downloaded: a chart with the CSV of exactly the frame it draws."""

from __future__ import annotations

import io

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from openmodels.filters import Filters
from openmodels.ui import api_link

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV of a frame, numbers written as in data/*.csv (119, not 119.0); text cells that a
    spreadsheet would run as a formula get a leading quote (valid data never has such cells)."""
    text_cols = [c for c, t in frame.schema.items() if t == pl.String]
    float_cols = [c for c, t in frame.schema.items() if t.is_float()]
    guarded = frame.with_columns(
        *(_guard(c) for c in text_cols),
        *(pl.col(c).cast(pl.String).str.replace(r"\.0$", "") for c in float_cols),
    )
    buf = io.BytesIO()
    guarded.write_csv(buf)
    return buf.getvalue()


def _guard(col: str) -> pl.Expr:
    starts = pl.any_horizontal([pl.col(col).str.starts_with(p) for p in FORMULA_START])
    return pl.when(starts).then(pl.lit("'") + pl.col(col)).otherwise(pl.col(col)).alias(col)


def download(frame: pl.DataFrame, page: str, what: str, f: Filters, key: str, label: str = "Download CSV") -> None:
    st.download_button(label, data=csv_bytes(frame), file_name=f"{page}_{what}_{f.slug()}.csv", mime="text/csv",
                       key=f"dl_{key}", on_click="ignore", icon=":material/download:")
    api_link.show(key, f)


def chart(fig: go.Figure, frame: pl.DataFrame, page: str, what: str, f: Filters, key: str, **kw):
    """A Plotly chart and, under it, a CSV download of exactly the frame it draws."""
    event = st.plotly_chart(fig, key=f"chart_{key}", config={"displaylogo": False,
                                                             "toImageButtonOptions": {"filename": f"{page}_{what}"}},
                            **kw)
    download(frame, page, what, f, key)
    return event

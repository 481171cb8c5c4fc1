"""Every result a page shows can be downloaded: a chart with the CSV of exactly the frame it draws and the chart
as SVG, and at the end of the page the whole view as one zip. Files are built when a visitor clicks (the buttons
hold callables), not on every run.

Each download registers its frame in this session's view registry as the page draws it; `bundle` at the end of
the page offers the frames of its latest run. A fragment's rerun (a toggle inside it) registers its charts again,
so the bundle, read on click, holds what is on screen."""

from __future__ import annotations

import io
from urllib.parse import urlencode

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from openmodels import display
from openmodels import bundle as view_bundle
from openmodels import citation, figure_export, figure_text
from openmodels.contract import contract
from openmodels.filters import Filters
from openmodels.ui import db, sidebar
from openmodels.ui import api_link

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
REGISTRY_KEY = "_downloads_view"
ICON = ":material/download:"
SVG_HELP = "The chart as a vector image, with its title, filters and source line."


def download_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """A frame as its download holds it: a `country` code column gains a readable `country_name` beside it,
    except in rows laid out as models.csv (the Explorer's), which stay a models.csv file."""
    if frame.columns != contract().table("models").columns:
        return display.with_country_names(frame)
    return frame


def csv_bytes(frame: pl.DataFrame) -> bytes:
    """CSV of a frame as downloaded (download_frame), numbers written as in data/*.csv (119, not 119.0); text
    cells that a spreadsheet would run as a formula get a leading quote (valid data never has such cells)."""
    frame = download_frame(frame)
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


def file_name(page: str, what: str, f: Filters, ext: str) -> str:
    """'releases_by_year_CN-US.csv': page, what, filters."""
    return f"{page}_{what}_{f.slug()}.{ext}"


def view_url(page: str) -> str:
    """The URL of this view: the address the visitor's browser shows and every setting in its query string,
    countries as codes and organizations without their counts (relative, '/releases?…', where the server cannot
    know its address, as in tests)."""
    query = urlencode([(k, display.short_link_value(k, v))
                       for k in st.query_params for v in st.query_params.get_all(k)])
    base = st.context.url or ("/" if page == "overview" else f"/{page}")
    return base + (f"?{query}" if query else "")


def provenance(page: str) -> figure_text.Provenance:
    meta = db.query("dataset_meta").row(0, named=True)
    c = contract()
    return figure_text.Provenance(title=c.title, version=meta["dataset_version"], data_as_of=meta["data_as_of"],
                                  licence=citation.licence(c), url=view_url(page))


def _registry() -> dict:
    return st.session_state.setdefault(REGISTRY_KEY, {"run": 0, "items": {}})


def _register(page: str, key: str, name: str, frame: pl.DataFrame) -> None:
    reg = _registry()
    reg["items"][key] = {"page": page, "run": reg["run"], "name": name, "frame": frame}
    reg["url"] = view_url(page)


def download(frame: pl.DataFrame, page: str, what: str, f: Filters, key: str, label: str = "Download CSV") -> None:
    """A CSV download of `frame`, written when clicked, and the frame registered for the view's bundle."""
    name = file_name(page, what, f, "csv")
    _register(page, key, name, frame)
    st.download_button(label, data=lambda: csv_bytes(frame), file_name=name, mime="text/csv",
                       key=f"dl_{key}", on_click="ignore", icon=ICON)
    api_link.show(key, f)


@st.cache_resource(max_entries=16, show_spinner=False, hash_funcs={go.Figure: id})
def _annotated(fig: go.Figure, text: str, source: figure_text.Provenance) -> tuple[go.Figure, go.Figure]:
    """`figure_text.annotate`, once per figure object: a figure shared from db.figure's cache is annotated once,
    not on every run (the copy costs as much as the rest of a scatter page's run). The entry holds the figure it
    was made from, so that object stays alive and its id, the key, cannot be reused by another figure. Shared:
    read it, never change it."""
    return fig, figure_text.annotate(fig, text, source)


def chart(fig: go.Figure, frame: pl.DataFrame, page: str, what: str, f: Filters, key: str,
          subtitle: str | None = None, **kw):
    """A Plotly chart whose title says the filters and period (`subtitle`, by default the sidebar's) with the
    source line under it, and under the chart a CSV download of exactly the frame it draws and an SVG of it."""
    text, source = subtitle or sidebar.describe(f), provenance(page)
    shown = _annotated(fig, text, source)[1]  # lines that fit a phone: the page cannot know the screen

    def svg() -> bytes:  # on click: the export's lines fit its own width
        return figure_export.svg(figure_text.annotate(fig, text, source, figure_export.EXPORT["text_width"]))

    event = st.plotly_chart(shown, key=f"chart_{key}", config={"displaylogo": False,
                                                             "toImageButtonOptions": {"filename": f"{page}_{what}"}},
                            **kw)
    with st.container(horizontal=True):
        download(frame, page, what, f, key)
        can = figure_export.chromium() is not None
        st.download_button("Download SVG", data=svg,
                           file_name=file_name(page, what, f, "svg"), mime="image/svg+xml", key=f"svg_{key}",
                           on_click="ignore", icon=ICON, disabled=not can,
                           help=SVG_HELP if can else "SVG export needs Chromium on the server; none is installed.")
    return event


def bundle(page: str, f: Filters, label: str = "Download this view (zip)") -> None:
    """One zip of the whole view (every CSV the page offers, their data dictionary, the view's URL, the dataset's
    version and checksums, the citation), built on click from what this run and its fragments drew."""
    reg = _registry()
    run = reg["run"]
    reg["run"] = run + 1  # what the next run registers replaces this one's
    for key in [k for k, i in reg["items"].items() if i["run"] < run]:
        del reg["items"][key]  # drawn by an earlier run (another page, a chart no longer shown): let it go
    meta = db.query("dataset_meta").row(0, named=True)
    reg["url"] = view_url(page)

    def build() -> bytes:  # runs on click, in another thread: reads the registry, never Streamlit
        items = [i for i in reg["items"].copy().values() if i["page"] == page and i["run"] >= run]
        csvs = {i["name"]: (download_frame(i["frame"]), csv_bytes(i["frame"])) for i in items}
        return view_bundle.build(csvs, contract(), meta, reg["url"])

    st.divider()
    st.download_button(label, data=build, file_name=file_name(page, "view", f, "zip"), mime="application/zip",
                       key="dl_view_bundle", on_click="ignore", icon=":material/folder_zip:",
                       help="Every CSV of this page, their data dictionary, the page's link, the dataset version "
                            "and checksums, and a citation (text and BibTeX).")

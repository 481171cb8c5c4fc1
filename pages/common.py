"""What every page shares: the database, cached named queries, URL-bound filters, charts with downloads.

Not a page itself: app.py lists the pages explicitly with st.navigation.
"""

from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import plotly.graph_objects as go
import polars as pl
import streamlit as st

from openmodels.build import InvalidData, ensure_database
from openmodels.charts import add_event_markers
from openmodels.contract import DATA_DIR, contract
from openmodels.countries import country_name
from openmodels.filters import Filters
from openmodels.queries import Database

ALLOWED_PARAMS = {"embed", "embed_options"}  # Streamlit's own
PARAM_LADDER = [0.1, 0.5, 1, 3, 7, 14, 30, 70, 100, 200, 400, 700, 1000, 2000]
EVENT_CATEGORIES = contract().table("events").field("category").constraints["enum"]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NOTES_KEY = "_url_notes"
SEEN_KEY = "_url_keys"
NOTICE_SLOT = "_notice_slot"
ROUTED_KEY = "_routed"
FINGERPRINT_KEY = "_data_fingerprint"


def data_dir() -> Path:
    return Path(os.environ.get("OPENMODELS_DATA_DIR", DATA_DIR))


@st.cache_resource(show_spinner="Building the database from the CSV files…")
def _database(data_folder: str, fingerprint: str) -> Database:
    path = ensure_database(Path(data_folder))
    return Database(path)


def _files_key(folder: Path) -> str:
    """Size and modification time of the data files: cheap to read on every run; when it changes,
    ensure_database compares content hashes and rebuilds only if the contents changed."""
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else (p.name, 0, 0)
             for p in (folder / t.path for t in contract().tables)]
    return json.dumps(stats)


def database() -> tuple[Database, str]:
    """The read-only database for the current CSVs; shows the error page if the data is invalid.
    app.py calls it once per run; the key it finds is reused by every query of that run."""
    folder = data_dir()
    fingerprint = _files_key(folder)
    try:
        db = _database(str(folder), fingerprint)
    except InvalidData as err:
        show_invalid_data(err)
        st.stop()
    st.session_state[FINGERPRINT_KEY] = fingerprint
    return db, fingerprint


def show_invalid_data(err: InvalidData) -> None:
    st.title("The data did not pass validation")
    st.error(
        f"{len(err.violations)} problem(s) were found in the CSV files, so the dashboard cannot show them. "
        "Fix the rows below (file:line:column: value — rule) and reload. "
        "If a previous database exists it was left unchanged.",
        icon=":material/error:",
    )
    st.code("\n".join(str(v) for v in err.violations[:500]), language=None, wrap_lines=True)
    if len(err.violations) > 500:
        st.caption(f"… and {len(err.violations) - 500} more. Run `python -m openmodels validate` for all.")


@st.cache_data(max_entries=5000, show_spinner=False)
def _cached(fingerprint: str, name: str, params_json: str) -> pl.DataFrame:
    db = _database(str(data_dir()), fingerprint)
    return db.run(name, _decode(json.loads(params_json)))


def _encode(params: dict) -> str:
    return json.dumps({k: (v.isoformat() if isinstance(v, date) else v) for k, v in params.items()},
                      sort_keys=True)


def _decode(params: dict) -> dict:
    out = {}
    for k, v in params.items():
        if k in ("date_from", "date_to", "as_of") and isinstance(v, str):
            v = date.fromisoformat(v)
        out[k] = v
    return out


def query(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """Run a named query (cached by its parameters) with the filters and extra parameters."""
    fingerprint = st.session_state.get(FINGERPRINT_KEY) or database()[1]
    merged = (filters.params() if filters else {}) | params
    return _cached(fingerprint, name, _encode(merged))


# --- URL parameters: validated before the bound widgets read them --------------------------

def _note(key: str, values: list[str], why: str) -> None:
    shown = ", ".join(repr(v[:40] + ("…" if len(v) > 40 else "")) for v in values[:5])
    more = f" and {len(values) - 5} more" if len(values) > 5 else ""
    st.session_state.setdefault(NOTES_KEY, []).append(f"{key}: {shown}{more} — {why}")


def _first_visit(key: str) -> list[str] | None:
    """The raw URL values of a bound key, only before its widget exists in this session."""
    st.session_state.setdefault(SEEN_KEY, set()).add(key)
    if key in st.session_state:
        return None
    raw = st.query_params.get_all(key)
    return raw or None


def guard_multi(key: str, options: list[str], format_func=str) -> None:
    raw = _first_visit(key)
    if raw is None:
        return
    labels = {format_func(o) for o in options}
    bad = [v for v in dict.fromkeys(raw) if v not in labels]
    if bad:
        _note(key, bad, "not a known value, ignored")
    if len(raw) > len(set(raw)):
        _note(key, [raw[0]], f"repeated {len(raw) - len(set(raw))} times, duplicates ignored")


def guard_single(key: str, options: list, default, format_func=str) -> None:
    raw = _first_visit(key)
    if raw is None:
        return
    by_text = {str(format_func(o)).lower(): o for o in options}
    chosen = by_text.get(raw[0].lower())
    if chosen is None:
        _note(key, raw[:1], "not a known value, ignored")
    if len(raw) > 1:
        _note(key, raw[1:], "only one value allowed, extra values ignored")


def _ignored(key: str) -> str:
    return f"_ignored_{key}"


def guard_text(key: str, max_chars: int) -> None:
    """A bound text box: one value of at most `max_chars` characters. The binding still fills the box from
    the link (cut to `max_chars`), so a longer value is remembered here and `text_value` ignores it."""
    raw = _first_visit(key)
    if raw is None:
        return
    if len(raw[0]) > max_chars:
        _note(key, raw[:1], f"longer than {max_chars} characters, ignored")
        st.session_state[_ignored(key)] = raw[0][:max_chars]
    if len(raw) > 1:
        _note(key, raw[1:], "only one value allowed, extra values ignored")


def text_value(key: str, value: str) -> str:
    """The text box's value, or '' while it still holds a value from the link that guard_text rejected."""
    return "" if value == st.session_state.get(_ignored(key)) else value


def guard_range(key: str, parse, lo, hi, default: tuple) -> None:
    raw = _first_visit(key)
    if raw is None:
        return
    try:
        values = [parse(v) for v in raw]
    except (ValueError, TypeError, OverflowError):
        _note(key, raw, "not valid values for this range, ignored")
        return
    if len(values) != 2:
        _note(key, raw, "a range needs exactly two values, ignored")
    elif values[0] > values[1]:
        _note(key, raw, "range is reversed (start after end), ignored")
        st.session_state[key] = default
    elif values[0] < lo or values[1] > hi:
        _note(key, raw, f"outside the available range {lo} to {hi}, ignored")


def report_unknown_params() -> None:
    """After the page ran: drop URL keys no widget claimed, and show every ignored value once."""
    seen = st.session_state.get(SEEN_KEY, set())
    for key in list(st.query_params.keys()):
        if key not in seen and key not in ALLOWED_PARAMS:
            _note(key, st.query_params.get_all(key), "not a setting of this page, ignored")
            del st.query_params[key]


def show_url_notes() -> None:
    notes = st.session_state.get(NOTES_KEY, [])
    if notes:
        with st.session_state.get(NOTICE_SLOT) or st.container():
            st.warning("Some values in the link were ignored:", icon=":material/link_off:")
            st.text("\n".join(dict.fromkeys(notes)))


# --- sidebar filters ------------------------------------------------------------------------

def _fmt_params(v: float) -> str:
    return f"{v:g}B"


def _parse_params(text: str) -> float:
    """A parameter-slider value from the URL: one of the slider's labels, e.g. '70B'."""
    value = float(text.removesuffix("B"))
    if value not in PARAM_LADDER:
        raise ValueError(text)
    return value


def sidebar_filters() -> Filters:
    """Render the shared filters (bound to the URL, kept across pages) and return them."""
    bounds = query("data_bounds").row(0, named=True)
    countries_df = query("country_options")
    fields = {f.name: f for f in contract().table("models").fields}
    sb = st.sidebar
    sb.header("Filters", anchor=False)

    country_opts = countries_df["country"].to_list()
    guard_multi("country", country_opts)
    countries = sb.multiselect("Country", country_opts, key="country", bind="query-params",
                               persist_state="session", placeholder="All countries",
                               help="ISO 3166-1 codes of the publishers' headquarters: "
                                    + ", ".join(f"{c} {country_name(c)}" for c in country_opts))

    org_opts = query("organization_options", countries=countries)["organization"].to_list()
    guard_multi("org", org_opts)
    if "org" in st.session_state:
        kept = [o for o in st.session_state["org"] if o in org_opts]
        if kept != st.session_state["org"]:
            st.session_state["org"] = kept
    orgs = sb.multiselect("Organization", org_opts, key="org", bind="query-params", persist_state="session",
                          placeholder="All organizations")

    lo = date(bounds["first_release"].year, 1, 1)
    hi = max(bounds["last_release"], date.fromisoformat(contract().data_as_of))
    guard_range("date", date.fromisoformat, lo, hi, (lo, hi))
    d_from, d_to = sb.slider("Release date", min_value=lo, max_value=hi, value=(lo, hi), key="date",
                             bind="query-params", persist_state="session", format="YYYY-MM")

    def multi(label: str, key: str, column: str) -> list[str]:
        opts = fields[column].constraints["enum"]
        guard_multi(key, opts)
        return sb.multiselect(label, opts, key=key, bind="query-params", persist_state="session",
                              placeholder="All")

    modalities = multi("Modality", "modality", "modality")
    architectures = multi("Architecture", "arch", "architecture")
    access = multi("Accessibility", "access", "accessibility")

    ladder = PARAM_LADDER
    guard_range("params", _parse_params, ladder[0], ladder[-1], (ladder[0], ladder[-1]))
    p_lo, p_hi = sb.select_slider("Total parameters (billions)", options=ladder, value=(ladder[0], ladder[-1]),
                                  key="params", bind="query-params", persist_state="session",
                                  format_func=_fmt_params,
                                  help="At the full range, models whose size was never disclosed are included.")
    sb.caption("Filters apply to every page and are kept in the link: copy the URL to share this view.")

    return Filters(
        countries=tuple(countries), orgs=tuple(orgs),
        date_from=d_from if d_from > lo else None, date_to=d_to if d_to < hi else None,
        modalities=tuple(modalities), architectures=tuple(architectures), accessibility=tuple(access),
        pmin=p_lo if p_lo > ladder[0] else None, pmax=p_hi if p_hi < ladder[-1] else None,
    )


def mark_routed() -> None:
    """Called by app.py: this session's runs go through the router."""
    st.session_state[ROUTED_KEY] = True


def _ensure_routed() -> None:
    """Streamlit keeps a process-wide flag: while a folder named pages/ exists and st.navigation has
    not run yet, a first visitor who opens a deep link (/releases) gets that page run alone, without
    app.py (no sidebar filters). Clear the flag and rerun the same URL through the router."""
    if not st.session_state.get(ROUTED_KEY):
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
        st.rerun()


def filters() -> Filters:
    """The filters app.py read from the sidebar in this run. Call it first on every page: it also
    opens the slot at the top of the page where app.py lists URL values that were ignored."""
    _ensure_routed()
    st.session_state[NOTICE_SLOT] = st.container()
    return st.session_state.get("_filters") or Filters()


# --- page controls bound to the URL ---------------------------------------------------------

def choice(label: str, options: list[str], key: str, default: str, **kw) -> str:
    guard_single(key, options, default, kw.get("format_func") or str)
    value = st.segmented_control(label, options, default=default, key=key, bind="query-params",
                                 persist_state="session", required=True, **kw)
    return value if value in options else default


def number_choice(label: str, options: list[int], key: str, default: int) -> int:
    guard_single(key, options, default)
    value = st.selectbox(label, options, index=options.index(default), key=key, bind="query-params",
                         persist_state="session")
    return value if value in options else default


def switch(label: str, key: str, default: bool = False) -> bool:
    guard_single(key, [True, False], default)
    return st.toggle(label, value=default, key=key, bind="query-params", persist_state="session")


def event_marker_controls(key: str = "events") -> list[str]:
    """A toggle and a category choice for event markers; returns the chosen categories ([] = off)."""
    cols = st.columns([1, 3])
    with cols[0]:
        on = switch("Show events", key)
    if not on:
        return []
    with cols[1]:
        guard_multi(f"{key}_cat", EVENT_CATEGORIES)
        cats = st.multiselect("Event categories", EVENT_CATEGORIES, default=EVENT_CATEGORIES,
                              key=f"{key}_cat", bind="query-params", persist_state="session")
    return cats


def markers(fig: go.Figure, f: Filters, categories: list[str]) -> go.Figure:
    if not categories:
        return fig
    events = query("events_timeline", categories=categories, event_countries=[],
                   date_from=f.date_from, date_to=f.date_to)
    return add_event_markers(fig, events)


# --- rendering ------------------------------------------------------------------------------

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


def chart(fig: go.Figure, frame: pl.DataFrame, page: str, what: str, f: Filters, key: str, **kw):
    """A Plotly chart and, under it, a CSV download of exactly the frame it draws."""
    event = st.plotly_chart(fig, key=f"chart_{key}", config={"displaylogo": False,
                                                             "toImageButtonOptions": {"filename": f"{page}_{what}"}},
                            **kw)
    download(frame, page, what, f, key)
    return event


def empty_state(message: str = "No models match the current filters.") -> None:
    st.info(message + " Widen the filters in the sidebar to see data.", icon=":material/filter_alt_off:")

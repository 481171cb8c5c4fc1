"""The database the app serves: found once per run from file stats, queried through cached named queries.
Invalid CSVs, an unreadable contract, or a database that cannot be written or read stop the run with a page
that says what is wrong and what to do; where a previous good build exists, it is served under a notice."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import duckdb
import plotly.graph_objects as go
import polars as pl
import streamlit as st

from openmodels.build import BuildFailed, InvalidData, ensure_database, previous_database
from openmodels.contract import DATA_DIR, ContractError, contract
from openmodels.filters import Filters
from openmodels.queries import Database

FINGERPRINT_KEY = "_data_fingerprint"
PREVIOUS = "previous:"  # a fingerprint naming the previous build's file, served while a new one cannot be written


def data_dir() -> Path:
    return Path(os.environ.get("OPENMODELS_DATA_DIR", DATA_DIR))


@st.cache_resource(show_spinner="Building the database from the CSV files…", max_entries=2)
def _database(data_folder: str, fingerprint: str) -> Database:
    """One Database per build, opened on the build's own file (ensure_database), so new data is never read
    through an older build's DuckDB instance. Two entries: the current build and the one before, which a run
    that began before the CSVs changed may still query. An evicted Database is never closed here: it goes
    when the last query holding it ends."""
    return Database(ensure_database(Path(data_folder)))


def _files_key(folder: Path) -> str:
    """Size and modification time of the data files: cheap to read on every run; when it changes,
    ensure_database compares content hashes and rebuilds only if the contents changed."""
    stats = [(p.name, p.stat().st_size, p.stat().st_mtime_ns) if p.exists() else (p.name, 0, 0)
             for p in (folder / t.path for t in contract().tables)]
    return json.dumps(stats)


@st.cache_resource(show_spinner=False, max_entries=2)
def _served_file(path: str) -> Database:
    return Database(Path(path))


def _database_for(fingerprint: str) -> Database:
    if fingerprint.startswith(PREVIOUS):
        return _served_file(fingerprint.removeprefix(PREVIOUS))
    return _database(str(data_dir()), fingerprint)


def database() -> tuple[Database, str]:
    """The read-only database for the current CSVs; shows the error page if the data is invalid.
    app.py calls it once per run; the key it finds is reused by every query of that run."""
    folder = data_dir()
    try:
        fingerprint = _files_key(folder)
        db = _database(str(folder), fingerprint)
    except InvalidData as err:
        show_invalid_data(err)
        st.stop()
    except ContractError as err:
        show_fault("The data contract could not be read", str(err))
        st.stop()
    except BuildFailed as err:
        previous = previous_database(folder)
        if previous is None:
            show_fault("The database could not be built", f"{err.what} {err.todo}")
            st.stop()
        st.warning(f"Showing the previous build of the data: the CSV files changed, but {err.what[0].lower()}"
                   f"{err.what[1:]} {err.todo}", icon=":material/warning:")
        fingerprint = PREVIOUS + str(previous)
        db = _served_file(str(previous))
    st.session_state[FINGERPRINT_KEY] = fingerprint
    return db, fingerprint


def show_fault(title: str, message: str) -> None:
    st.title(title)
    st.error(message, icon=":material/error:")


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


@st.cache_resource(max_entries=5000, show_spinner=False)
def _cached(fingerprint: str, name: str, params_json: str) -> pl.DataFrame:
    """Every session gets the one cached frame, not a copy (st.cache_data would unpickle a new copy of it on
    every call, a big result once per run per session). Safe because no caller changes a frame in place:
    Polars operations return new frames."""
    return _database_for(fingerprint).run(name, _decode(json.loads(params_json)))


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


def _damaged(err: duckdb.Error) -> bool:
    """DuckDB's errors for a file it cannot read back (checksums, I/O), as opposed to a query's own mistakes."""
    return (isinstance(err, (duckdb.IOException, duckdb.InternalException, duckdb.FatalException,
                             duckdb.SerializationException)) or "Corrupt database file" in str(err))


def query(name: str, filters: Filters | None = None, **params) -> pl.DataFrame:
    """Run a named query (cached by its parameters) with the filters and extra parameters."""
    fingerprint = st.session_state.get(FINGERPRINT_KEY) or database()[1]
    merged = (filters.params() if filters else {}) | params
    try:
        return _cached(fingerprint, name, _encode(merged))
    except duckdb.Error as err:
        if not _damaged(err):
            raise
        # The file was damaged while being served. Let the open builds go: the next run finds the damage
        # (build.stored_hashes reads every table) and rebuilds.
        _database.clear()
        _served_file.clear()
        show_fault("The database could not be read",
                   f"The database file in {data_dir().name}/ is damaged ({str(err).splitlines()[0][:160]}). "
                   "Reload the page to rebuild it from the CSV files; if this page comes back, run make build.")
        st.stop()


def data_as_of() -> date:
    """The dataset's data-as-of date: the day after which periods are incomplete."""
    return query("dataset_meta").row(0, named=True)["data_as_of"]


@st.cache_resource(max_entries=64, show_spinner=False)
def _figure(_builder, name: str, fingerprint: str | None, *args) -> go.Figure:
    return _builder(*args)


def figure(builder, *args) -> go.Figure:
    """`builder(*args)`, built once per distinct input: the builder's name, the data build, and its arguments
    (frames by their contents). A run whose chart inputs did not change (a click on a point, a toggle of another
    block) gets the figure already built, shared, not copied: read it, never change it (st.plotly_chart only
    reads it). So a builder that adds to a figure (event markers) goes inside `builder`."""
    return _figure(builder, f"{builder.__module__}.{builder.__qualname__}", st.session_state.get(FINGERPRINT_KEY),
                   *args)

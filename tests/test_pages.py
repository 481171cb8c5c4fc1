"""Every page in AppTest: default, filtered, empty, hostile URLs; shown values equal Polars on the CSV;
every chart's CSV download holds exactly the values the chart draws."""

from __future__ import annotations

import base64
import gc
import hashlib
import html
import io
import json
import re
import weakref
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import plotly.graph_objects as go
import polars as pl
import pytest
from streamlit.testing.v1 import AppTest

from openmodels.contract import contract
from openmodels.queries import Database, available_queries

PAGES = ["overview", "releases", "organizations", "scale", "moe", "compute", "licenses", "events", "explorer", "about"]
AS_OF = date.fromisoformat(contract().data_as_of)


ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def entrypoints(tmp_path_factory) -> dict[str, Path]:
    """app.py with each page in turn as the default page, as a visitor opening that page's URL gets.

    (AppTest's switch_page runs only the page script, not app.py around it, so the shared
    sidebar and the URL notice would be missing; starting on the page runs the real router.)"""
    source = (ROOT / "app.py").read_text()
    assert ", default=True" in source
    out = {}
    for page in PAGES:
        folder = tmp_path_factory.mktemp(f"entry-{page}")
        (folder / "pages").symlink_to(ROOT / "pages")
        text = source.replace(", default=True", "").replace(
            f'st.Page("pages/{page}.py", ', f'st.Page("pages/{page}.py", default=True, ')
        (folder / "app.py").write_text(text)
        out[page] = folder / "app.py"
    return out


@pytest.fixture
def app(fixture_dir, entrypoints, monkeypatch):
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(fixture_dir))

    def make(page: str = "overview", **params) -> AppTest:
        at = AppTest.from_file(str(entrypoints[page]), default_timeout=60)
        for key, value in params.items():
            at.query_params[key] = value
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return make


class Recorded(list):
    """The CSV downloads of a run as (file name, bytes, frame read back from the bytes, key), in the order the
    page drew them; `by_id`: every download button's callable and file name by its deferred file id."""

    def __init__(self):
        super().__init__()
        self.by_id: dict[str, tuple[str, str, object]] = {}


@pytest.fixture
def downloads(monkeypatch):
    """Record what each download button hands Streamlit: a callable run on click (deferred), its file name and
    type. CSVs are run here (they are cheap); other files only when a test asks."""
    from streamlit.runtime.media_file_manager import MediaFileManager
    seen = Recorded()
    real = MediaFileManager.add_deferred

    def recording(self, data_callable, mimetype, coordinates, file_name=None, *, element_id=""):
        file_id = real(self, data_callable, mimetype, coordinates, file_name=file_name, element_id=element_id)
        seen.by_id[file_id] = (file_name, mimetype, data_callable)
        if mimetype == "text/csv":
            data = data_callable()
            key = element_id.rsplit("-", 1)[-1].removeprefix("dl_")
            seen.append((file_name, data, pl.read_csv(io.BytesIO(data)), key))
        return file_id

    monkeypatch.setattr(MediaFileManager, "add_deferred", recording)
    return seen


def deferred_ids(at: AppTest) -> dict[str, str]:
    """Each download button's key -> the deferred file id its click asks for (no file is built before)."""
    out = {}
    for b in at.get("download_button"):
        assert not b.proto.url and b.proto.deferred_file_id, "downloads are built on click"
        out[b.proto.id.rsplit("-", 1)[-1]] = b.proto.deferred_file_id
    return out


def plain(value):
    """A figure's JSON with Plotly's base64 typed arrays ({"dtype", "bdata"}) read back into lists."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    if not isinstance(value, dict):
        return value
    if set(value) >= {"dtype", "bdata"} and set(value) <= {"dtype", "bdata", "shape"}:
        array = np.frombuffer(base64.b64decode(value["bdata"]), dtype=np.dtype(value["dtype"]).newbyteorder("<"))
        if value.get("shape"):
            array = array.reshape([int(d) for d in str(value["shape"]).split(",")])
        return array.tolist()
    return {k: plain(v) for k, v in value.items()}


def charts(at: AppTest) -> list[dict]:
    return [plain(json.loads(el.proto.spec)) for el in at.get("plotly_chart")]


@pytest.mark.parametrize("page", PAGES)
def test_page_renders_by_default(app, page):
    at = app(page)
    assert at.title, "every page has a title"
    assert not at.warning, [w.value for w in at.warning]
    if page not in ("about", "explorer"):
        assert charts(at), "data pages draw at least one chart"
    assert not at.error


@pytest.mark.parametrize("page", PAGES)
def test_page_with_filters(app, page):
    at = app(page, country=["US", "CN"], arch=["moe"], date=["2023-01-01", "2026-06-30"], params=["1B", "700B"])
    assert at.session_state["country"] == ["US", "CN"]
    assert at.session_state["params"] == (1, 700)
    assert not at.warning


@pytest.mark.parametrize("page", [p for p in PAGES if p != "about"])
def test_filter_matching_nothing_shows_an_empty_state(app, page):
    at = app(page, country=["GB"], arch=["moe"])
    assert any("No " in i.value and "match" in i.value for i in at.info), [i.value for i in at.info]
    assert not at.error


def test_overview_numbers_equal_polars_on_the_csv(app, models):
    at = app("overview")
    values = [m.value for m in at.metric]
    for i, (bloc_filter) in enumerate([pl.col("country") == "US", pl.col("country") == "CN",
                                       ~pl.col("country").is_in(["US", "CN"])]):
        b = models.filter(bloc_filter)
        last = b.filter((pl.col("release_date") > date(AS_OF.year - 1, AS_OF.month, AS_OF.day))
                        & (pl.col("release_date") <= AS_OF))
        largest = b.filter(pl.col("release_date") <= AS_OF)["params_total_b"].max()
        moe = f"{round(100 * last.filter(pl.col('architecture') == 'moe').height / last.height, 1):g}%" \
            if last.height else "—"
        assert values[4 * i] == str(last.height)
        assert values[4 * i + 1] == f"{largest:g}B"
        assert values[4 * i + 2] == moe
        licensed = last.drop_nulls("accessibility")  # a row whose license is unconfirmed is left out of the share
        unrestricted = licensed.filter(pl.col("accessibility") == "unrestricted").height
        assert values[4 * i + 3] == (f"{round(100 * unrestricted / licensed.height, 1):g}%" if licensed.height else "—")
    newest = models["release_date"].max()
    freshness = [c.value for c in at.caption if f"{newest:%d %B %Y}, {(AS_OF - newest).days} days before" in c.value]
    assert len(freshness) == 1, [c.value for c in at.caption]
    assert ("undercount" in freshness[0]) == ((AS_OF - newest).days > 60)


def test_licenses_show_unconfirmed_as_its_own_class_drawn_last(app, models):
    at = app("licenses", lic_period="year", lic_value="counts")
    by_year = charts(at)[1]
    names = [t["name"] for t in by_year["data"] if t.get("type") == "bar"]
    assert names[-1] == "unconfirmed"
    drawn = {(x[:4], y) for t in by_year["data"] if t.get("name") == "unconfirmed" for x, y in zip(t["x"], t["y"]) if y}
    want = (models.filter(pl.col("accessibility").is_null())
            .group_by(pl.col("release_date").dt.year().cast(pl.String)).len())
    assert drawn == set(want.rows())


def test_releases_chart_series_equal_polars(app, models):
    at = app("releases", period="year", country=["US", "CN"])
    spec = charts(at)[0]
    for trace in spec["data"]:
        code = {"United States": "US", "China": "CN"}[trace["name"]]
        want = (models.filter(pl.col("country") == code)
                .group_by(pl.col("release_date").dt.year().alias("year")).len())
        got = {int(x[:4]): y for x, y in zip(trace["x"], trace["y"]) if y}
        assert got == dict(want.rows())


def test_filters_persist_across_pages(app, models):
    at = app("overview", country=["CN"])
    at.switch_page("pages/explorer.py").run()  # runs the page alone, with this session's state
    assert at.session_state["country"] == ["CN"]
    assert at.markdown[0].value.startswith(f"**{models.filter(pl.col('country') == 'CN').height}** models match")


def test_csv_edits_show_in_new_sessions_without_a_restart(app, data_copy, downloads, monkeypatch):
    opened = []
    real_init = Database.__init__

    def recording(self, path):
        real_init(self, path)
        opened.append(weakref.ref(self))

    def downloaded_names() -> list[str]:
        name, data, _, _ = downloads[-1]
        assert name == "explorer_models_search-gpt2-xl_all.csv"
        return pl.read_csv(io.BytesIO(data))["name"].to_list()

    monkeypatch.setattr(Database, "__init__", recording)
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(data_copy))  # the fixture's CSVs and database, as after a build
    names = ["GPT2-XL", "GPT-2 XL", "GPT-2 XL (1.5B)", "GPT-2 XL 1558M"]
    app("explorer", q="gpt2-xl")  # found by its model_id, whatever its name
    assert downloaded_names() == names[:1]
    for old, new in zip(names, names[1:]):
        csv = data_copy / "models.csv"
        csv.write_text(csv.read_text().replace(f",{old},", f",{new},"))
        app("explorer", q="gpt2-xl")
        assert downloaded_names() == [new]
    gc.collect()
    assert len(opened) == len(names) and sum(ref() is not None for ref in opened) <= 2  # older builds let go


def test_explorer_lists_every_matching_row_and_downloads_them(app, models, downloads):
    at = app("explorer", country=["CN"])
    want = models.filter(pl.col("country") == "CN")
    assert at.markdown[0].value.startswith(f"**{want.height}** models match")
    name, data, _, _ = downloads[-1]
    assert name == "explorer_models_CN.csv"
    got = pl.read_csv(io.BytesIO(data), infer_schema=False)
    assert got.columns == contract().table("models").columns
    assert sorted(got["model_id"]) == sorted(want["model_id"])
    file_name, mime, _ = downloads.by_id[deferred_ids(at)["dl_explorer"]]
    assert (file_name, mime) == (name, "text/csv")


VALUE_COLUMN = {  # chart key -> the frame column its traces draw
    "cumulative": "cumulative_releases", "releases": None, "scale": "params_total_b", "moe_share": "moe_share_pct",
    "moe_ratio": "active_pct", "acc_country": None, "acc_time": None, "top_lic": "releases", "openness": None,
    "window": "releases", "compute": "training_compute_flop",
}


@pytest.mark.parametrize("page", ["overview", "releases", "organizations", "scale", "moe", "compute", "licenses",
                                  "events"])
def test_every_chart_download_holds_the_data_it_draws(app, downloads, page):
    at = app(page)
    buttons = deferred_ids(at)
    chart_specs = {el.proto.id.rsplit("-", 1)[-1].removeprefix("chart_"): plain(json.loads(el.proto.spec))
                   for el in at.get("plotly_chart")}
    assert chart_specs
    recorded = {key: (name, data, frame) for name, data, frame, key in downloads}
    for key, spec in chart_specs.items():
        name, data, frame = recorded[key]
        file_name, _, make = downloads.by_id[buttons[f"dl_{key}"]]
        assert (file_name, make()) == (name, data), key
        if key == "timeline":
            drawn = sorted(x for t in spec["data"] for x in t["x"])
            assert drawn == sorted(str(d) for d in frame["date"])
            continue
        if key == "size_leads":  # dates on x, one marker trace per bloc
            drawn = sorted(x for t in spec["data"] if t["mode"] == "markers" for x in t["x"] if x is not None)
            want = sorted(str(d) for c in ("us_date", "cn_date", "row_date") for d in frame[c] if d is not None)
            assert drawn == want
            continue
        column = VALUE_COLUMN.get(key) or frame.columns[-1]
        traces = [t for t in spec["data"] if not t.get("name", "").startswith("Event")
                  and "frontier" not in t.get("name", "") and "record" not in t.get("name", "")]
        axis = "x" if key == "top_lic" else "y"
        drawn = sorted(v for t in traces for v in t[axis] if v is not None)
        want = sorted(v for v in frame[column].to_list() if v is not None)
        assert drawn == pytest.approx(want), key


HOSTILE = [
    ("overview", {"country": ["XX"]}),
    ("overview", {"country": ["' OR 1=1 --"]}),
    ("overview", {"country": ["US'); DROP TABLE models; --"]}),
    ("explorer", {"org": ["<script>alert(1)</script>"]}),
    ("overview", {"country": ["A" * 10_000]}),
    ("releases", {"country": ["US"] * 300}),
    ("overview", {"date": ["2025-01-01", "2020-01-01"]}),
    ("overview", {"date": ["1900-01-01", "2999-12-31"]}),
    ("scale", {"date": ["yesterday", "tomorrow"]}),
    ("overview", {"date": ["2024-01-01"]}),
    ("overview", {"params": ["abc", "def"]}),
    ("overview", {"params": ["-5", "1e308"]}),
    ("explorer", {"params": ["2B", "650B"]}),
    ("licenses", {"modality": ["<img src=x onerror=alert(1)>"]}),
    ("moe", {"arch": ["MOE", "dense'--"]}),
    ("overview", {"access": ["\x00null"]}),
    ("releases", {"period": ["decade"], "mode": ["3d"], "unit": ["bytes"]}),
    ("releases", {"top": ["999999"], "cumulative": ["maybe"]}),
    ("overview", {"foo": ["bar"], "utm_source": ["x"]}),
    ("events", {"event": ["../../etc/passwd"], "months": ["-3"], "ev_cat": ["war"]}),
    ("scale", {"metric": ["__proto__"], "frontier": ["1; rm -rf /"]}),
    ("overview", {f"k{i}": ["v"] for i in range(200)}),
    ("releases", {"period": ["year", "month", "quarter"]}),
    ("explorer", {"q": ["x" * 500]}),
    ("explorer", {"q": ["qwen", "llama"]}),
    ("overview", {"params": ["７B", "700B"]}),
    ("overview", {"date": ["２０２４-01-01", "2025-01-01"]}),
    ("releases", {"period": ["ＹＥＡＲ"]}),
    ("overview", {"date": ["2024-1-1", "2025-01-01"]}),
    ("overview", {"params": ["7", "7e999"]}),
    ("organizations", {"org_period": ["decade"], "org_mode": ["percent"], "org_top": ["999"]}),
]


@pytest.mark.parametrize("page,params", HOSTILE, ids=[f"{i:02d}-{p}" for i, (p, _) in enumerate(HOSTILE)])
def test_hostile_url_is_ignored_with_a_notice(app, page, params, monkeypatch):
    calls = []
    real = Database.run

    def spy(self, name, p=None):
        calls.append((name, p))
        return real(self, name, p)

    monkeypatch.setattr(Database, "run", spy)
    at = app(page, **params)
    assert [w.value for w in at.warning] == ["Some values in the link were ignored:"]
    notice = at.text[0].value
    for key in params:
        assert key in notice
    queries = set(available_queries())
    assert all(name in queries for name, _ in calls)  # only the named SQL files ran
    assert not at.error


def test_there_are_at_least_20_hostile_urls():
    assert len(HOSTILE) >= 20


@pytest.mark.parametrize("page", ["overview", "releases", "organizations", "scale", "moe", "licenses"])
def test_event_markers_on_every_time_chart(app, fixture_dir, page):
    at = app(page, events=["true"], events_cat=["release", "policy"])
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False)
    want = sorted(events.filter(pl.col("category").is_in(["release", "policy"]))["date"].to_list())
    marked = [c for c in charts(at) if event_traces(c)]
    assert marked, "a time chart shows the events"
    for spec in marked:
        traces = event_traces(spec)
        assert sorted(x for t in traces for x in t["x"]) == want
        assert all(title for t in traces for title, _ in t["customdata"])


def event_traces(spec: dict) -> list[dict]:
    """The event marker traces of a chart: one per category, named 'Event: <category>'."""
    return [t for t in spec["data"] if t.get("name", "").startswith("Event: ")]


def test_overview_with_events_draws_one_marker_trace_per_category_and_labels_the_key_events(app, fixture_dir):
    from openmodels.charts import EVENT_CATEGORY_COLORS

    at = app("overview", events=["true"])
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False)
    spec = next(c for c in charts(at) if event_traces(c))
    traces = {t["name"]: t for t in event_traces(spec)}
    assert sorted(traces) == sorted(f"Event: {c}" for c in events["category"].unique())
    for name, trace in traces.items():
        cat = name.removeprefix("Event: ")
        assert trace["marker"]["color"] == EVENT_CATEGORY_COLORS[cat]
        assert len(trace["x"]) == events.filter(pl.col("category") == cat).height
    labels = [a["text"] for a in spec["layout"].get("annotations", [])]
    assert sorted(labels) == sorted(events.filter(pl.col("key") == "true")["label"])


def test_the_evidence_filter_from_a_link_narrows_the_explorer_and_is_in_its_download(app, models, downloads):
    at = app("explorer", evidence=["reference", "reported"])
    want = models.filter(pl.col("evidence").is_in(["reference", "reported"]))
    assert at.session_state["evidence"] == ["reference", "reported"]
    assert at.markdown[0].value.startswith(f"**{want.height}** models match")
    got = pl.read_csv(io.BytesIO(downloads[-1][1]), infer_schema=False)
    assert sorted(got["model_id"]) == sorted(want["model_id"]) and set(got["evidence"]) == {"reference", "reported"}


@pytest.mark.parametrize("page", ["overview", "releases", "organizations", "scale", "moe", "licenses"])
def test_every_time_chart_says_how_many_rows_are_below_primary(app, models, page):
    at = app(page, country=["CN"])
    cn = models.filter(pl.col("country") == "CN")
    below = cn.filter(pl.col("evidence") != "primary").height
    notes = [c.value for c in at.caption if c.value.startswith("Evidence:")]
    assert notes, "no evidence note under the time charts"
    assert all(n.startswith(f"Evidence: {below} of the {cn.height} models") for n in notes)


def test_about_explains_the_grades_with_their_counts_and_credits_the_references(app, models):
    at = app("about")
    text = "\n".join(m.value for m in at.markdown)
    for grade in ("primary", "reference", "reported"):
        assert f"| **{grade}** |" in text
        assert f"| {models.filter(pl.col('evidence') == grade).height} |" in text
    assert "Epoch AI" in text and "ATOM Project" in text


def test_an_unknown_evidence_grade_in_a_link_is_ignored_with_a_notice(app):
    at = app("releases", evidence=["rumour"])
    assert "evidence: 'rumour' — not a known value, ignored" in "\n".join(t.value for t in at.text)


@pytest.mark.parametrize("page", ["overview", "releases"])
def test_overview_and_releases_say_that_months_after_the_cross_check_undercount(app, page):
    at = app(page)
    checked = date.fromisoformat(contract().cross_checked_to)
    warnings = [w.value for w in at.info]
    assert any(f"Releases up to {checked:%d %B %Y} were cross-checked" in w for w in warnings)
    assert any("a fall there is not evidence of a decline" in w for w in warnings)


def test_compute_draws_every_model_with_a_figure_and_marks_the_export_controls_by_default(app, fixture_dir, models):
    at = app("compute")
    spec = charts(at)[0]
    points = [t for t in spec["data"] if t.get("mode") == "markers" and not t.get("name", "").startswith("Event")]
    want = models.filter(pl.col("training_compute_flop").is_not_null())
    assert sorted(y for t in points for y in t["y"]) == pytest.approx(
        sorted(want["training_compute_flop"].cast(pl.Float64).to_list()))
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False)
    marked = event_traces(spec)
    assert [t["name"] for t in marked] == ["Event: export-control"]
    assert [c[1] for c in marked[0]["customdata"]] == ["export-control"] * events.filter(
        pl.col("category") == "export-control").height


def test_a_search_is_in_the_explorer_download_name(app, downloads):
    app("explorer", q="deep seek")
    assert downloads[-1][0] == "explorer_models_search-deep-seek_all.csv"


def test_about_cites_the_repository_in_text_and_bibtex(app):
    at = app("about")
    home = contract().descriptor["homepage"]
    codes = [c.value for c in at.code]
    assert any(home in c and c.startswith("Open Model Geopolitics (version") for c in codes)
    assert any(c.startswith("@misc{openmodelgeopolitics") and f"url = {{{home}}}" in c for c in codes)


HOSTILE_TEXT = '<span style="font-size:60px;color:red">{}</span><a href="https://evil.example">x</a>'


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory) -> Path:
    """A database holding markup in every text column the charts show, built past validation (which refuses
    it): what the chart builders' escaping has to hold on its own."""
    import copy

    from fixture_data import EVENTS, MODELS, build_unchecked, write_dataset

    folder = tmp_path_factory.mktemp("hostile")
    models, events = copy.deepcopy(MODELS), copy.deepcopy(EVENTS)
    for m in models:
        m.update(name=HOSTILE_TEXT.format(m["name"]), organization=HOSTILE_TEXT.format(m["organization"]),
                 license=HOSTILE_TEXT.format(m["license"]) if m["license"] else "")
    for e in events:
        e.update(title=HOSTILE_TEXT.format(e["title"]), actor=HOSTILE_TEXT.format(e["actor"]))
    write_dataset(folder, models, events)
    build_unchecked(folder)
    return folder


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@pytest.mark.parametrize("page,params", [("overview", {"events": ["true"]}), ("releases", {}), ("scale", {}),
                                         ("moe", {}), ("compute", {}), ("licenses", {}), ("events", {}),
                                         ("organizations", {"org_mode": ["lines"]})])
def test_markup_in_data_reaches_plotly_only_escaped(hostile_dir, entrypoints, monkeypatch, page, params):
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(hostile_dir))
    at = AppTest.from_file(str(entrypoints[page]), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    from openmodels.figure_text import SOURCE_TAG
    # The source line under each title is the figure's own markup, not data's: it is taken out first.
    texts = [s.replace(SOURCE_TAG[0], "").replace(SOURCE_TAG[1], "") for spec in charts(at) for s in _strings(spec)]
    assert texts
    assert not [s for s in texts if "<span" in s or "<a " in s]
    if page in ("scale", "licenses", "events", "organizations"):
        assert any("&lt;span style" in s for s in texts)  # the value is there, as text


NORMALIZED = [  # a link value the widget would drop silently, written in the widget's own form first
    ("releases", {"period": ["YEAR"]}, "period", "year"),
    ("releases", {"mode": ["Lines"]}, "mode", "lines"),
    ("licenses", {"lic_period": ["Quarter"]}, "lic_period", "quarter"),
    ("scale", {"metric": ["ACTIVE"]}, "metric", "active"),
    ("overview", {"date": ["20240101", "20251231"]}, "date", (date(2024, 1, 1), date(2025, 12, 1))),
    ("overview", {"date": ["2024-01-20", "2025-06-30"]}, "date", (date(2024, 1, 1), date(2025, 6, 1))),
    ("overview", {"params": ["7", "700"]}, "params", (7, 700)),
    ("explorer", {"params": ["7b", "700b"]}, "params", (7, 700)),
]


@pytest.mark.parametrize("params,note", [
    ({"params": ["7b", "700B"]}, "params: '7b' — not written the way this slider takes it (7B), that end ignored"),
    ({"date": ["2024-01", "20251231"]},
     "date: '20251231' — not written the way this slider takes it (2025-12), that end ignored"),
], ids=["params", "date"])
def test_a_range_with_one_end_in_another_form_says_which_end_was_ignored(app, params, note):
    at = app("explorer", **params)
    assert note in at.text[0].value


@pytest.mark.parametrize("page,params,key,want", NORMALIZED, ids=[f"{p}-{k}" for p, _, k, _ in NORMALIZED])
def test_a_link_value_in_another_case_or_form_is_normalized(app, page, params, key, want):
    at = app(page, **params)
    assert at.session_state[key] == want
    assert not at.warning


@pytest.mark.parametrize("params", [{f"k{i}": ["v"] for i in range(1001)}, {"q": ["x" * (512 * 1024)]},
                                    {"country": ["CN"], "pad": ["x" * (600 * 1024)]}],
                         ids=["1001-fields", "over-512-KiB", "filters-and-padding"])
def test_a_link_beyond_streamlits_limits_says_so(app, params):
    """Streamlit drops such a query string whole and says so only in the server log (openmodels.ui.links
    hands the page a marker instead): the page says the link was too long."""
    at = app("explorer", **params)
    assert [w.value for w in at.warning] == ["Some values in the link were ignored:"]
    assert at.text[0].value.startswith("the link was too long (")
    assert "at most 1,000 fields and 512 KiB" in at.text[0].value
    assert "_link_too_long" not in at.query_params


def test_overview_cards_keep_their_12_month_windows_under_a_date_filter(app):
    plain = [m.value for m in app("overview").metric]
    at = app("overview", date=["2023-01-01", "2023-12-31"])
    assert [m.value for m in at.metric] == plain  # the cards ignore the release-date filter ...
    assert any("release-date filter you chose is not applied" in c.value for c in at.caption)
    assert "release-date filter you chose" not in " ".join(c.value for c in app("overview").caption)
    spec = charts(at)[0]  # ... the chart below applies it
    xs = [x for t in spec["data"] if t.get("yaxis") != "y2" for x in t["x"]]
    assert xs and all(x.startswith("2023") for x in xs)


def test_an_empty_card_says_no_releases_not_plus_zero(app, models):
    old = models.filter(pl.col("release_date") < date(AS_OF.year - 2, AS_OF.month, 1))
    recent = models.filter(pl.col("release_date") >= date(AS_OF.year - 2, AS_OF.month, 1))
    org = sorted(set(old["organization"]) - set(recent["organization"]))[0]
    at = app("overview", org=[org])
    releases = [m for m in at.metric if m.label == "Releases"]
    assert releases and all(m.value == "no releases" and not m.delta for m in releases)


def test_class_shares_use_one_definition_on_every_page(app, models):
    at = app("licenses", lic_value="shares")
    by_country = charts(at)[0]
    assert "unconfirmed" not in [t["name"] for t in by_country["data"]]
    totals = {}
    for t in by_country["data"]:
        for x, y in zip(t["x"], t["y"]):
            totals[x] = totals.get(x, 0) + y
    assert all(abs(v - 100) < 0.5 for v in totals.values()), totals
    us = models.filter((pl.col("country") == "US") & pl.col("accessibility").is_not_null())
    want = round(100 * us.filter(pl.col("accessibility") == "unrestricted").height / us.height, 1)
    us_unrestricted = next(y for t in by_country["data"] if t["name"] == "unrestricted"
                           for x, y in zip(t["x"], t["y"]) if x == "United States")
    assert us_unrestricted == want
    assert any("unconfirmed are left out of the shares" in c.value for c in at.caption)


@pytest.mark.parametrize("page, key", [("releases", "top"), ("licenses", "lic_top"), ("moe", "moe_top"),
                                       ("events", "ev_top"), ("organizations", "org_top")])
def test_every_page_has_the_same_top_n_choice(app, page, key):
    from openmodels.ui.widgets import TOP_N_DEFAULT, TOP_N_OPTIONS
    box = next(s for s in app(page).selectbox if s.key == key)
    assert box.options == [str(o) for o in TOP_N_OPTIONS] and box.value == TOP_N_DEFAULT


def test_about_states_its_limitations_with_coverage_by_year(app, models):
    at = app("about")
    headers = [h.value for h in at.subheader]
    assert "Limitations" in headers
    table = next(d.value for d in at.dataframe if "cross_checked" in d.value.columns)
    table = pl.DataFrame(table) if not isinstance(table, pl.DataFrame) else table
    want = models.group_by(pl.col("release_date").dt.year().alias("year")).agg(
        pl.len().alias("releases"), (pl.col("evidence") == "reference").sum().alias("reference_rows"))
    got = {r["year"]: (r["releases"], r["reference_rows"]) for r in table.iter_rows(named=True)}
    assert got == {r["year"]: (r["releases"], r["reference_rows"]) for r in want.iter_rows(named=True)}
    checked = date.fromisoformat(contract().cross_checked_to)
    assert all(r["cross_checked"] == ("yes" if r["year"] < checked.year or (r["year"] == checked.year and
               checked.month == 12 and checked.day == 31) else "partly" if r["year"] == checked.year else "no")
               for r in table.iter_rows(named=True))
    text = " ".join(m.value for m in at.markdown)
    assert "What the counts cannot tell" in text and "to date" in text


def test_the_date_range_is_whole_months(app, models):
    late = models.filter(pl.col("release_date").dt.day() > 1)["release_date"].sort()[0]  # a row after its month's 1st
    first, last = date(late.year, 1, 1), late.replace(day=1)
    at = app("explorer", date=[f"{first:%Y-%m}", f"{last:%Y-%m}"])
    slider = next(s for s in at.select_slider if s.key == "date")
    assert slider.value == (first, last) and slider.format_func(last) == f"{last:%Y-%m}"
    end = (date(last.year + (last.month == 12), last.month % 12 + 1, 1))
    want = models.filter((pl.col("release_date") >= first) & (pl.col("release_date") < end))
    assert at.markdown[0].value.startswith(f"**{want.height}** models match")  # the last month counts whole


def test_an_ignored_organization_says_why(app, models):
    us_org = models.filter(pl.col("country") == "US")["organization"][0]
    at = app("overview", country=["CN"], org=[us_org, "No Such Lab"])
    text = "\n".join(t.value for t in at.text)
    assert f"org: '{us_org}' — outside the chosen countries ({us_org} is in United States), ignored" in text
    assert "org: 'No Such Lab' — not an organization in the data, ignored" in text
    assert "country: 'XX' — not a country with releases in the data" in "\n".join(
        t.value for t in app("overview", country=["XX"]).text)


def test_a_one_line_summary_of_the_filters_opens_every_page(app):
    at = app("releases", country=["US", "CN"], access=["unrestricted"], date=["2023-01", "2024-06"])
    line = next(c.value for c in at.caption if "Showing" in c.value)
    assert line.replace("\\", "").endswith("Showing China and United States · unrestricted licences · 2023-01 to 2024-06")
    plain = next(c.value for c in app("about").caption if "Showing" in c.value)
    assert "all countries" in plain


def test_the_parameter_slider_reaches_the_largest_model(app, models):
    slider = next(s for s in app("explorer").select_slider if s.key == "params")
    top = models["params_total_b"].max()
    assert float(slider.options[-1].removesuffix("B")) >= top > float(slider.options[-2].removesuffix("B"))


# --- the Explorer pages through SQL; a scatter above its limit draws a sample and says so ---------------

@pytest.fixture(scope="session")
def many_dir(tmp_path_factory) -> Path:
    """The fixture dataset plus 110 more models: 134 rows, enough for three pages of 50."""
    from fixture_data import EVENTS, MODELS, model, write_dataset
    from openmodels.build import build
    extra = [model(f"bulk-{i:03d}", "Meta", "US", f"{2020 + i % 6}-{1 + i % 12:02d}-{1 + i % 28:02d}", 1 + i,
                   license="LicenseRef-LLaMA", access="non-commercial", family="Bulk") for i in range(110)]
    folder = write_dataset(tmp_path_factory.mktemp("many"), MODELS + extra, EVENTS)
    build(folder)
    return folder


def newest_first(folder: Path) -> pl.DataFrame:
    """models.csv in the Explorer's order, computed here with Polars."""
    return (pl.read_csv(folder / "models.csv", infer_schema=False)
            .sort(["release_date", "organization", "model_id"], descending=[True, False, False]))


def explorer_at(entrypoints, **params) -> AppTest:
    """The Explorer with these URL parameters (`page` is one of them, so not through the `app` fixture)."""
    at = AppTest.from_file(str(entrypoints["explorer"]), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_explorer_page_two_shows_rows_51_to_100_of_the_sorted_result(entrypoints, many_dir, downloads, monkeypatch):
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(many_dir))
    want = newest_first(many_dir)
    at = explorer_at(entrypoints, rows="50", page="2")
    assert at.markdown[0].value.startswith(f"**{want.height}** models match")
    shown = at.dataframe[0].value
    assert list(shown["model_id"]) == want["model_id"].to_list()[50:100]
    assert any(c.value.startswith(f"Rows 51–100 of {want.height}.") for c in at.caption)
    assert at.number_input(key="page").value == 2
    name, data, _, _ = downloads[-1]  # the download is every matching row, not the page
    assert name == "explorer_models_all.csv"
    assert pl.read_csv(io.BytesIO(data), infer_schema=False)["model_id"].to_list() == want["model_id"].to_list()

    at.number_input(key="page").set_value(3).run()
    assert list(at.dataframe[0].value["model_id"]) == want["model_id"].to_list()[100:]
    at.selectbox(key="rows").set_value(100).run()
    assert list(at.dataframe[0].value["model_id"]) == want["model_id"].to_list()[:100]  # page 3 of 100 is gone


def test_an_explorer_page_beyond_the_last_is_ignored_with_a_notice(entrypoints, many_dir, monkeypatch):
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(many_dir))
    at = explorer_at(entrypoints, rows="50", page="9")
    assert [w.value for w in at.warning] == ["Some values in the link were ignored:"]
    assert "page: '9' — not a known value, ignored" in at.text[-1].value
    assert list(at.dataframe[0].value["model_id"]) == newest_first(many_dir)["model_id"].to_list()[:50]


@pytest.mark.parametrize("page,key,column", [("scale", "scale", "params_total_b"),
                                             ("compute", "compute", "training_compute_flop")])
def test_a_scatter_above_its_limit_draws_a_sample_and_says_so(app, models, downloads, monkeypatch, page, key, column):
    import openmodels.charts
    monkeypatch.setattr(openmodels.charts, "SCATTER_MAX_POINTS", 1)  # the fixture has 2 models with compute
    at = app(page)
    spec = charts(at)[0]
    drawn = [v for t in spec["data"] if t.get("type") == "scattergl" for v in t["y"] if v is not None]
    total = models.filter(pl.col(column).is_not_null()).height
    assert len(drawn) == 1 < total
    assert [a["text"] for a in spec["layout"].get("annotations", []) if "sample" in a["text"]] == [
        f"Showing a sample of 1 of {total:,} points"]
    frame = next(frame for _, _, frame, k in downloads if k == key)
    assert sorted(frame[column].to_list()) == pytest.approx(sorted(drawn))  # the download is what is drawn


def test_a_query_result_is_shared_from_the_cache_not_copied(fixture_dir, monkeypatch):
    from openmodels.filters import Filters
    from openmodels.ui import db
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(fixture_dir))
    _, fingerprint = db.database()
    params = db._encode(Filters().params() | {"search": "", "limit": None, "offset": 0})
    first = db._cached(fingerprint, "explorer_models", params)
    assert db._cached(fingerprint, "explorer_models", params) is first  # st.cache_data would unpickle a copy


def test_organizations_chart_and_table_equal_polars(app, models):
    at = app("organizations", org_period="year", org_top="3", country=["US", "CN"])
    m = models.filter(pl.col("country").is_in(["US", "CN"]))
    top = (m.group_by("organization", "country").len().sort(["len", "organization"], descending=[True, False])
           .head(3))
    spec = charts(at)[0]
    bars = {t["name"]: t for t in spec["data"] if t.get("type") == "bar"}
    assert list(bars) == [f"{o} ({c})" for o, c, _ in top.rows()] + ["Other"]
    for org, country, _ in top.rows():
        want = m.filter(pl.col("organization") == org).group_by(pl.col("release_date").dt.year()).len()
        trace = bars[f"{org} ({country})"]
        assert {int(x[:4]): y for x, y in zip(trace["x"], trace["y"]) if y} == dict(want.rows())
    other = m.filter(~pl.col("organization").is_in(top["organization"].to_list()))
    assert sum(bars["Other"]["y"]) == other.height
    table = at.dataframe[0]
    want = (m.group_by("organization", "country").agg(pl.len().alias("releases"),
                                                      pl.col("release_date").min().alias("first_release"),
                                                      pl.col("release_date").max().alias("latest_release"))
            .sort(["releases", "organization"], descending=[True, False]))
    got = table.value
    assert list(got["organization"]) == want["organization"].to_list()
    assert list(got["releases"]) == want["releases"].to_list()
    assert [str(d)[:10] for d in got["first_release"]] == [str(d) for d in want["first_release"]]


def test_organizations_download_holds_exactly_the_frame_drawn_and_the_table(app, downloads):
    at = app("organizations", org_period="quarter", org_mode="lines")
    recorded = {key: (name, frame) for name, _, frame, key in downloads}
    name, frame = recorded["organizations"]
    assert name == "organizations_by_quarter_all.csv"
    assert frame.columns == ["period_start", "organization_group", "country", "country_name", "releases"]
    spec = charts(at)[0]
    drawn = sorted((t["name"], y) for t in spec["data"] if not t["name"].startswith("Event") for y in t["y"])
    want = sorted((o if o == "Other" else f"{o} ({c})", r) for _, o, c, _, r in frame.rows())
    assert drawn == want
    assert recorded["org_table"][0] == "organizations_table_all.csv"


def test_scale_shows_who_led_at_each_size_and_ignores_the_parameter_range(app, models, downloads):
    at = app("scale", params=["1B", "50B"])  # the range would leave out every model at 100B and above
    assert any(s.value == "Who led at each size" for s in at.subheader)
    recorded = {key: frame for _, _, frame, key in downloads}
    leads = recorded["size_leads"]
    table = next(d.value for d in at.dataframe if "us_model" in d.value.columns)
    assert [v if isinstance(v, str) else None for v in table["us_model"]] == leads["us_model"].to_list()
    assert len(table) == leads.height == 6
    at_100 = leads.filter((pl.col("metric") == "total") & (pl.col("threshold_b") == 100)).row(0, named=True)
    for prefix, bloc in (("us", pl.col("country") == "US"), ("cn", pl.col("country") == "CN"),
                         ("row", ~pl.col("country").is_in(["US", "CN"]))):
        first = models.filter(bloc & (pl.col("params_total_b") >= 100)).sort("release_date", "model_id").head(1)
        assert at_100[f"{prefix}_model"] == (first["name"][0] if first.height else None)
        assert at_100[f"{prefix}_date"] == (str(first["release_date"][0]) if first.height else None)  # read from CSV
    assert at_100["leader"] == "China"  # DeepSeek-V2 in May 2024, Llama 3.1 405B in July
    spec = next(c for c in charts(at) if c["layout"]["title"]["text"].startswith("First open release"))
    assert {t["name"] for t in spec["data"] if t["mode"] == "markers"} == {"United States", "China", "Rest of world"}
def sidebar_box(at: AppTest, key: str):
    return next(m for m in at.multiselect if m.key == key)


def test_the_country_filter_reads_names_with_codes_and_filters_by_code(app, models):
    at = app("explorer", country=["CN"])
    box = sidebar_box(at, "country")
    assert "China (CN)" in box.options and "United States (US)" in box.options and "CN" not in box.options
    assert box.value == ["CN"] and at.session_state["_filters"].countries == ("CN",)  # the value stays the code


@pytest.mark.parametrize("written", ["CN", "China", "China (CN)", "cn", "china"])
def test_a_country_link_by_code_name_or_label_selects_it(app, models, downloads, written):
    at = app("explorer", country=[written])
    assert at.session_state["country"] == ["CN"] and not at.warning
    assert at.markdown[0].value.startswith(f"**{models.filter(pl.col('country') == 'CN').height}** models match")
    assert downloads[-1][0] == "explorer_models_CN.csv"  # file names keep the code
    assert any("Showing China · " in c.value for c in at.caption)  # the summary keeps the plain name


def test_a_link_mixing_codes_and_labels_keeps_every_country(app):
    """Streamlit seeds a bound multiselect from the link's labels only; openmodels.ui.links rewrites the other
    values as labels first (through names this test pins: it fails if Streamlit renames them)."""
    at = app("releases", country=["China (CN)", "US", "France"])
    assert at.session_state["country"] == ["CN", "US", "FR"] and not at.warning


def test_a_country_link_that_names_no_country_in_the_data_says_so(app):
    at = app("overview", country=["China (US)", "Narnia"])
    assert "country: 'China (US)', 'Narnia' — not a country with releases in the data" in at.text[0].value
    assert at.session_state["country"] == []


def test_the_organization_options_carry_their_releases_under_the_country_filter(app, models):
    def expected(frame):
        return [f"{o} ({n})" for o, n in frame.group_by("organization").len().sort("organization").rows()]
    assert sidebar_box(app("explorer"), "org").options == expected(models)
    at = app("explorer", country=["US", "FR"])
    assert sidebar_box(at, "org").options == expected(models.filter(pl.col("country").is_in(["US", "FR"])))
    meta = models.filter(pl.col("organization") == "Meta").height
    assert f"Meta ({meta})" in sidebar_box(at, "org").options
    assert not any("DeepSeek" in o for o in sidebar_box(at, "org").options)  # a Chinese lab is not offered


@pytest.mark.parametrize("written", ["DeepSeek", "DeepSeek (3)", "DeepSeek (49)"])
def test_an_organization_link_by_name_or_with_any_count_selects_it(app, models, downloads, written):
    at = app("explorer", org=[written])
    assert at.session_state["org"] == ["DeepSeek"] and not at.warning
    assert sidebar_box(at, "org").value == ["DeepSeek"]
    assert at.session_state["_filters"].orgs == ("DeepSeek",)
    assert at.markdown[0].value.startswith(f"**{models.filter(pl.col('organization') == 'DeepSeek').height}** models")
    assert downloads[-1][0] == "explorer_models_DeepSeek.csv"


def test_an_organization_with_a_count_outside_the_chosen_countries_says_why(app):
    at = app("overview", country=["US"], org=["DeepSeek (3)"])
    assert "org: 'DeepSeek (3)' — outside the chosen countries (DeepSeek is in China), ignored" in at.text[0].value


def test_tables_show_the_country_as_name_with_code(app, fixture_dir, models):
    explorer = app("explorer", country=["CN", "AE"]).dataframe[0].value
    assert set(explorer["country"]) == {"China (CN)", "United Arab Emirates (AE)"}
    first_moe = next(d.value for d in app("moe").dataframe if "first_moe_date" in d.value.columns)
    assert set(first_moe["country"]) == {f"{n} ({c})" for c, n in [("US", "United States"), ("FR", "France"),
                                                                      ("CN", "China")]}
    events = next(d.value for d in app("events").dataframe if "event_id" in d.value.columns)
    assert "European Union (EU)" in set(events["country"]) and "EU" not in set(events["country"])


def _column_config(table) -> dict:
    """What a st.dataframe shows as each column's header and format, as Streamlit sends it."""
    return json.loads(table.proto.columns or "{}")


def test_tables_label_every_column_and_show_dates_and_sizes_plainly(app):
    from openmodels.display import MODEL_COLUMN_LABELS
    explorer = app("explorer").dataframe[0]
    config = _column_config(explorer)
    for column in explorer.value.columns:  # no raw models.csv name as a header
        assert config.get(column, {}).get("label"), column
    assert config["date_precision"]["label"] == "Date known to"
    assert config["country"]["label"] == MODEL_COLUMN_LABELS["country"] == "Country"
    assert config["release_date"]["type_config"]["format"] == "YYYY-MM-DD"  # a date, no time
    assert config["params_total_b"]["type_config"]["format"] == "%g"  # 7, not 7.0
    first_moe = next(d for d in app("moe").dataframe if "first_moe_date" in d.value.columns)
    labels = {c: v["label"] for c, v in _column_config(first_moe).items() if c != "_index"}
    assert labels["first_moe_model"] == "First MoE model" and labels["first_moe_date"] == "First MoE release"
    assert set(labels) == set(first_moe.value.columns)


def test_a_download_with_a_country_column_adds_its_name_beside_the_code(app, downloads):
    app("scale", country=["CN", "FR"])
    name, data, frame, _ = next(d for d in downloads if d[3] == "scale")
    got = pl.read_csv(io.BytesIO(data))
    at = got.columns.index("country")
    assert got.columns[at + 1] == "country_name" and got.columns.count("country_name") == 1
    assert got.height == frame.height and got["country"].to_list() == frame["country"].to_list()  # codes unchanged
    assert dict(got.select("country", "country_name").unique().rows()) == {"CN": "China", "FR": "France"}
    app("explorer", country=["CN"])  # the Explorer's rows stay a models.csv file
    assert pl.read_csv(io.BytesIO(downloads[-1][1])).columns == contract().table("models").columns



@pytest.mark.parametrize("written", ["EU", "European Union", "European Union (EU)"])
def test_the_events_country_filter_reads_names_and_takes_codes_or_names(app, written):
    at = app("events", ev_country=[written])
    box = next(m for m in at.multiselect if m.key == "ev_country")
    assert "European Union (EU)" in box.options and "United States (US)" in box.options
    assert at.session_state["ev_country"] == ["EU"] and not at.warning
    assert "1 events" in " ".join(c.value for c in at.caption)
# --- chart text, SVG, the view's bundle, the citation (issue 12 #10-#12) ------------------------------------

def _deferred(at: AppTest, downloads: Recorded, key: str) -> tuple[str, str, object]:
    return downloads.by_id[deferred_ids(at)[key]]


def _dataset_meta(folder: Path) -> dict:
    db = Database(folder / "openmodels.duckdb")
    try:
        return db.run("dataset_meta").row(0, named=True)
    finally:
        db.close()


def _source_url(fig: go.Figure) -> str:
    """The view's URL in a figure's source line (the lines after the dataset's, joined as they were broken)."""
    lines = [html.unescape(re.sub(r"<[^>]+>", "", line)) for line in fig.layout.title.subtitle.text.split("<br>")]
    start = next(i for i, line in enumerate(lines) if line.startswith("Open Model Geopolitics v"))
    return "".join(lines[start + 1:])


@pytest.mark.parametrize("page", ["overview", "releases", "scale", "moe", "compute", "licenses"])
def test_every_chart_says_its_filters_and_carries_the_source_line(app, fixture_dir, page):
    from openmodels.figure_text import title_text
    access = [] if page == "compute" else ["unrestricted"]  # the fixture has no unrestricted model with compute
    at = app(page, country=["US", "CN"], access=access)
    specs = [go.Figure(spec) for spec in charts(at)]
    assert specs
    meta = _dataset_meta(fixture_dir)
    for fig in specs:
        text = title_text(fig)
        assert "China and United States · " + ("unrestricted licences · " if access else "") in text, text
        assert (f"Open Model Geopolitics v{meta['dataset_version']}, data as of {meta['data_as_of']}, CC-BY-4.0,"
                in text), text
        url = _source_url(fig)  # relative in AppTest: its server has no address
        assert url.startswith("/?" if page == "overview" else f"/{page}?"), url
        assert "country=US" in url and "country=CN" in url and ("access=unrestricted" in url) == bool(access), url


@pytest.mark.parametrize("page,params", [("releases", {"country": ["US", "CN"], "period": "year"}),
                                         ("overview", {}), ("licenses", {"country": ["CN"]}), ("events", {}),
                                         ("scale", {}), ("moe", {}), ("compute", {}), ("explorer", {}),
                                         ("about", {}), ("organizations", {"org_period": "year"})])
def test_a_view_bundle_holds_every_csv_its_dictionary_url_version_checksums_and_citation(app, fixture_dir, downloads,
                                                                                        page, params):
    from openmodels.filters import Filters
    at = app(page, **params)
    csvs = {name: data for name, data, _, _ in downloads}
    assert csvs
    name, mime, make = _deferred(at, downloads, "dl_view_bundle")
    slug = Filters(countries=tuple(params.get("country", ()))).slug()
    assert (name, mime) == (f"{page}_view_{slug}.zip", "application/zip")
    z = zipfile.ZipFile(io.BytesIO(make()))
    names = set(z.namelist())
    assert names == set(csvs) | {"data_dictionary.csv", "view.json", "citation.txt", "citation.bib", "README.txt"}
    for csv_name, data in csvs.items():
        assert z.read(csv_name) == data  # each the very file its own button gives
    dictionary = pl.read_csv(z.open("data_dictionary.csv"))
    for csv_name, data in csvs.items():
        described = dictionary.filter(pl.col("file") == csv_name)
        assert described["column"].to_list() == pl.read_csv(io.BytesIO(data)).columns
        assert "Not described." not in described["description"].to_list(), described
    models = dictionary.filter(pl.col("column") == "params_total_b")
    if models.height:
        assert models["description"][0] == contract().table("models").field("params_total_b").description
    meta = _dataset_meta(fixture_dir)
    view = json.loads(z.read("view.json"))
    assert view["version"] == meta["dataset_version"] and view["data_as_of"] == str(meta["data_as_of"])
    assert view["dataset_sha256"] == {"models.csv": meta["models_csv_sha256"], "events.csv": meta["events_csv_sha256"]}
    assert view["licence"] == "CC-BY-4.0"
    path = "/" if page == "overview" else f"/{page}"
    assert view["url"].startswith(path) and all(f"country={c}" in view["url"] for c in params.get("country", []))
    assert view["files_sha256"] == {n: hashlib.sha256(d).hexdigest() for n, d in csvs.items()}
    home = contract().descriptor["homepage"]
    cite = z.read("citation.txt").decode()
    assert cite.startswith(f"Open Model Geopolitics (version {meta['dataset_version']}") and home in cite
    assert cite.strip().endswith(f"View: {view['url']}")
    bib = z.read("citation.bib").decode()
    assert bib.startswith("@misc{openmodelgeopolitics") and f"url = {{{home}}}" in bib and view["url"] in bib


def test_a_bundle_after_a_page_change_holds_only_the_new_page(app, downloads):
    at = app("releases")
    at.switch_page("pages/licenses.py").run()
    _, _, make = _deferred(at, downloads, "dl_view_bundle")
    names = zipfile.ZipFile(io.BytesIO(make())).namelist()
    csvs = [n for n in names if n.endswith(".csv") and n != "data_dictionary.csv"]
    assert csvs and all(n.startswith("licenses_") for n in csvs), csvs


def test_a_chart_exports_as_svg_with_its_title_and_source_line(app, downloads):
    from openmodels import figure_export
    if figure_export.chromium() is None:
        pytest.skip("SVG export needs Chrome or Chromium (Kaleido drives one); none is installed here")
    at = app("releases", country=["US", "CN"], period="year")
    name, mime, make = _deferred(at, downloads, "svg_releases")
    assert (name, mime) == ("releases_by_year_CN-US.svg", "image/svg+xml")
    svg = make().decode()
    assert svg.startswith("<svg") and svg.rstrip().endswith("</svg>")
    assert "Open-weight releases per year, by country" in svg and "China and United States" in svg
    assert "CC-BY-4.0" in svg and "country=US" in svg


def test_without_a_chromium_the_svg_button_says_so_and_offers_nothing_to_fail(app, monkeypatch):
    from openmodels import figure_export
    monkeypatch.setattr(figure_export, "chromium", lambda: None)
    at = app("releases")
    svg = next(b for b in at.get("download_button") if b.proto.id.endswith("-svg_releases"))
    assert svg.proto.disabled and not svg.proto.deferred_file_id and "needs Chromium" in svg.proto.help


def test_about_cites_the_project_and_links_the_repository_for_pull_requests(app):
    from openmodels import citation
    at = app("about")
    home = contract().descriptor["homepage"]
    text = " ".join(m.value for m in at.markdown)
    assert f"[Open a pull request]({home}/pulls)" in text and f"]({home})" in text
    assert citation.HOW_TO_CITE_A_VIEW in " ".join(c.value for c in at.caption)
    codes = [c.value for c in at.code]
    assert codes[-2].startswith("Open Model Geopolitics (version") and codes[-2].endswith(home)


def test_a_shared_figure_is_annotated_once_and_a_new_figure_never_gets_another_ones_text():
    from openmodels.figure_text import Provenance
    from openmodels.ui.downloads import _annotated
    source = Provenance("Open Model Geopolitics", "1.1.0", date(2026, 12, 2), "CC-BY-4.0", "/releases")
    shared = go.Figure(layout=dict(title=dict(text="A")))
    first = _annotated(shared, "all countries", source)[1]
    assert _annotated(shared, "all countries", source)[1] is first  # the next run reuses it
    assert _annotated(shared, "China", source)[1] is not first
    for title in "BCDEFG":  # fresh figures, each gone after its run: never another figure's text
        assert _annotated(go.Figure(layout=dict(title=dict(text=title))), "all countries", source)[1]\
            .layout.title.text == title
@pytest.fixture(scope="module")
def many_events_dir(fixture_dir, tmp_path_factory) -> Path:
    """The fixture 101 times over (bench/generate.py): 505 events, 101 on each day of the fixture's events."""
    import shutil
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from openmodels.build import build

    source, out = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("x101")
    for name in ("models.csv", "events.csv"):
        shutil.copy(fixture_dir / name, source / name)
    shutil.copy(ROOT / "data" / "datapackage.json", source / "datapackage.json")
    generate(out, 101, source=source)
    build(out)
    return out


def test_events_page_draws_one_marker_per_day_and_category_and_shows_the_table_a_page_at_a_time(
        many_events_dir, fixture_dir, entrypoints, monkeypatch):
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(many_events_dir))
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False)
    for page, rows in ((None, 500), ("2", 5)):
        at = AppTest.from_file(str(entrypoints["events"]), default_timeout=60)
        if page:
            at.query_params["ev_page"] = page
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        timeline = charts(at)[0]
        drawn = sorted((x, t["name"]) for t in timeline["data"] for x in t["x"])
        assert drawn == sorted(zip(events["date"], events["category"]))  # not 101 markers on one spot
        assert all(title.endswith("(+100 more)") for t in timeline["data"] for title, _ in t["customdata"])
        table = at.dataframe[0].value
        assert len(table) == rows
        assert at.number_input(key="ev_page").value == int(page or 1)
        assert at.selectbox(key="event").options == [f"{d} · {t}" for d, t in sorted(zip(events["date"],
                                                                                       events["title"]))]
    assert "505 events" in "\n".join(c.value for c in at.caption)


def test_licenses_figures_are_built_once_per_input(app, monkeypatch):
    """A second visit with the same filters reuses the Licenses figures (db.figure), and draws the same."""
    import functools

    from openmodels import charts as chart_module

    built = []
    for name in ("share_bars", "top_licenses_chart"):
        real = getattr(chart_module, name)

        @functools.wraps(real)
        def counting(*args, _real=real, **kw):
            built.append(_real.__name__)
            return _real(*args, **kw)
        monkeypatch.setattr(chart_module, name, counting)
    first = charts(app("licenses", country=["CN"]))
    built.clear()
    again = charts(app("licenses", country=["CN"]))
    assert built == [] and again == first
    charts(app("licenses", country=["US"]))
    assert sorted(built) == ["share_bars", "share_bars", "share_bars", "top_licenses_chart"]

"""Every page in AppTest: default, filtered, empty, hostile URLs; shown values equal Polars on the CSV;
every chart's CSV download holds exactly the values the chart draws."""

from __future__ import annotations

import base64
import gc
import io
import json
import weakref
from datetime import date
from pathlib import Path

import numpy as np
import polars as pl
import pytest
from streamlit.runtime.memory_media_file_storage import _calculate_file_id
from streamlit.testing.v1 import AppTest

from openmodels.contract import contract
from openmodels.queries import Database, available_queries

PAGES = ["overview", "releases", "scale", "moe", "compute", "licenses", "events", "explorer", "about"]
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


@pytest.fixture
def downloads(monkeypatch):
    """Record what each download button was given: (file name, bytes, frame)."""
    from openmodels.ui import downloads as ui_downloads
    seen = []
    real = ui_downloads.download

    def recording(frame, page, what, f, key, label="Download CSV"):
        seen.append((f"{page}_{what}_{f.slug()}.csv", ui_downloads.csv_bytes(frame), frame, key))
        return real(frame, page, what, f, key, label)

    monkeypatch.setattr(ui_downloads, "download", recording)
    return seen


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
    url = at.get("download_button")[-1].proto.url
    assert _calculate_file_id(data, "text/csv", name) in url


VALUE_COLUMN = {  # chart key -> the frame column its traces draw
    "cumulative": "cumulative_releases", "releases": None, "scale": "params_total_b", "moe_share": "moe_share_pct",
    "moe_ratio": "active_pct", "acc_country": None, "acc_time": None, "top_lic": "releases", "openness": None,
    "window": "releases", "compute": "training_compute_flop",
}


@pytest.mark.parametrize("page", ["overview", "releases", "scale", "moe", "compute", "licenses", "events"])
def test_every_chart_download_holds_the_data_it_draws(app, downloads, page):
    at = app(page)
    buttons = {b.proto.id.rsplit("-", 1)[-1]: b.proto.url for b in at.get("download_button")}
    chart_specs = {el.proto.id.rsplit("-", 1)[-1].removeprefix("chart_"): plain(json.loads(el.proto.spec))
                   for el in at.get("plotly_chart")}
    assert chart_specs
    recorded = {key: (name, data, frame) for name, data, frame, key in downloads}
    for key, spec in chart_specs.items():
        name, data, frame = recorded[key]
        assert _calculate_file_id(data, "text/csv", name) in buttons[f"dl_{key}"], key
        assert pl.read_csv(io.BytesIO(data)).height == frame.height
        if key == "timeline":
            drawn = sorted(x for t in spec["data"] for x in t["x"])
            assert drawn == sorted(str(d) for d in frame["date"])
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


@pytest.mark.parametrize("page", ["overview", "releases", "scale", "moe", "licenses"])
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


@pytest.mark.parametrize("page", ["overview", "releases", "scale", "moe", "licenses"])
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

    import openmodels.build as build_module
    from fixture_data import EVENTS, MODELS, write_dataset

    folder = tmp_path_factory.mktemp("hostile")
    models, events = copy.deepcopy(MODELS), copy.deepcopy(EVENTS)
    for m in models:
        m.update(name=HOSTILE_TEXT.format(m["name"]), organization=HOSTILE_TEXT.format(m["organization"]),
                 license=HOSTILE_TEXT.format(m["license"]) if m["license"] else "")
    for e in events:
        e.update(title=HOSTILE_TEXT.format(e["title"]), actor=HOSTILE_TEXT.format(e["actor"]))
    write_dataset(folder, models, events)
    real = build_module.validate_dataset
    build_module.validate_dataset = lambda *a, **k: []
    try:
        build_module.build(folder)
    finally:
        build_module.validate_dataset = real
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
                                         ("moe", {}), ("compute", {}), ("licenses", {}), ("events", {})])
def test_markup_in_data_reaches_plotly_only_escaped(hostile_dir, entrypoints, monkeypatch, page, params):
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(hostile_dir))
    at = AppTest.from_file(str(entrypoints[page]), default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    texts = [s for spec in charts(at) for s in _strings(spec)]
    assert texts
    assert not [s for s in texts if "<span" in s or "<a " in s]
    if page in ("scale", "licenses", "events"):
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
                                       ("events", "ev_top")])
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

"""End-to-end in Chromium: the real `streamlit run` server, real data, a real browser."""

from __future__ import annotations

import copy
import re
import shutil
from urllib.parse import parse_qs, quote, urlsplit

import polars as pl
import pytest
from playwright.sync_api import expect, sync_playwright

from browser_support import (ARTIFACTS, PLOTLY_TRACES_JS, ROOT, Server, free_port, launch_kwargs, wait_charts,
                             wait_ready)
from fixture_data import EVENTS, MODELS, build_unchecked, write_dataset
from openmodels.build import DB_NAME, build

pytestmark = pytest.mark.browser
# Assertions wait up to 20 s (Playwright's default is 5 s): the 2-core CI machine can be slow to redraw.
expect.set_options(timeout=20_000)

PAGES = {"overview": "/", "releases": "/releases", "organizations": "/organizations", "scale": "/scale",
         "moe": "/moe", "compute": "/compute", "licenses": "/licenses",
         "events": "/events", "explorer": "/explorer", "about": "/about"}
CHART_PAGES = {"overview", "releases", "organizations", "scale", "moe", "compute", "licenses", "events"}


def real_models() -> pl.DataFrame:
    return pl.read_csv(ROOT / "data" / "models.csv", infer_schema=False).with_columns(
        pl.col("release_date").str.to_date())


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(**launch_kwargs())
        yield b
        b.close()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    srv = Server(None, free_port(), tmp_path_factory.mktemp("logs") / "streamlit.log").start()
    yield srv
    srv.stop()
    assert srv.log_errors() == []


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 2200}, accept_downloads=True)
    pg = context.new_page()
    # A loaded 2-core CI machine can take longer than Playwright's 30 s default to open a first page.
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


def open_page(page, server, path: str) -> None:
    page.goto(server.url + path)
    wait_ready(page)


def explorer_count(page) -> int:
    text = page.get_by_text(re.compile(r"models match")).first.inner_text()
    return int(re.search(r"(\d+) models match", text).group(1))


def pick(page, label: str, value: str) -> None:
    """Choose `value` in the sidebar multiselect called `label`."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    box.locator("input").click()
    box.locator("input").fill(value)
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    wait_ready(page)


def test_first_visit_to_a_deep_link_on_a_fresh_server_runs_the_router(page, server):
    # The module's server has served nobody yet: this is its first visitor.
    open_page(page, server, "/explorer?country=CN")
    expect(page.locator('[data-testid="stSidebar"]').get_by_text("Filters", exact=True)).to_be_visible()
    assert explorer_count(page) == real_models().filter(pl.col("country") == "CN").height


def test_every_request_stays_on_the_server(browser, server):
    """Fonts, icons and scripts come from the installed package: a visitor's browser asks no other host
    (a :material/ page icon would be fetched from fonts.gstatic.com)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    hosts = []
    page.on("request", lambda r: hosts.append(re.sub(r"^[a-z]+://([^/]+).*", r"\1", r.url)))
    open_page(page, server, "/scale")
    wait_charts(page)
    assert {h for h in hosts if not h.startswith("data:")} == {f"127.0.0.1:{server.port}"}
    context.close()


def test_a_search_link_opens_the_explorer_with_that_search(browser, server):
    # A fresh visitor opens a shared link to a search: the bound text box takes it, nothing is dropped.
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    open_page(page, server, "/explorer?q=DeepSeek")
    assert page.locator('[data-testid="stException"]').count() == 0
    assert "q=DeepSeek" in page.url
    text = pl.concat_str([pl.col(c).fill_null("") for c in
                          ("model_id", "name", "family", "organization", "license", "hf_repo", "notes")], separator=" ")
    assert explorer_count(page) == real_models().filter(text.str.to_lowercase().str.contains("deepseek")).height
    open_page(page, server, "/explorer?q=" + "x" * 300)
    assert page.locator('[data-testid="stException"]').count() == 0
    expect(page.get_by_text("Some values in the link were ignored:")).to_be_visible()
    assert explorer_count(page) == real_models().height
    context.close()


@pytest.mark.parametrize("name", list(PAGES))
def test_every_page_renders_and_draws(page, server, name):
    open_page(page, server, PAGES[name])
    assert page.locator('[data-testid="stException"]').count() == 0
    assert page.locator('[data-testid="stAlertContentError"]').count() == 0
    if name in CHART_PAGES:
        wait_charts(page)
        traces = page.evaluate(PLOTLY_TRACES_JS)
        assert traces and all(len(t) > 0 for t in traces)
        assert all(len(tr["x"] or tr["y"] or []) > 0 for chart in traces for tr in chart)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"page_{name}.png"), full_page=True)


def test_sidebar_filters_change_charts_explorer_and_url(page, server):
    models = real_models()
    open_page(page, server, "/explorer")
    assert explorer_count(page) == models.height

    pick(page, "Country", "CN")
    assert parse_qs(urlsplit(page.url).query)["country"] == ["China (CN)"]  # the URL holds the widget's label
    assert explorer_count(page) == models.filter(pl.col("country") == "CN").height

    pick(page, "Organization", "DeepSeek")
    assert parse_qs(urlsplit(page.url).query)["org"][0].startswith("DeepSeek (")
    assert explorer_count(page) == models.filter(pl.col("organization") == "DeepSeek").height

    page.locator('[data-testid="stSidebarNav"]').get_by_text("Releases").click()
    wait_ready(page)
    kept = parse_qs(urlsplit(page.url).query)
    assert "/releases" in page.url and kept["country"] == ["China (CN)"] and kept["org"][0].startswith("DeepSeek (")
    wait_charts(page)
    traces = page.evaluate(PLOTLY_TRACES_JS)[0]
    assert [t["name"] for t in traces] == ["China"]
    assert sum(traces[0]["y"]) == models.filter(pl.col("organization") == "DeepSeek").height


def test_a_copied_url_reopens_the_same_view(browser, server):
    url = f"{server.url}/releases?country=US&country=CN&period=year&mode=lines&cumulative=true"
    for _ in range(2):  # the second time in a fresh context, as a colleague opening a shared link
        context = browser.new_context(viewport={"width": 1400, "height": 1600})
        page = context.new_page()
        page.goto(url)
        wait_ready(page)
        assert "period=year" in page.url and "cumulative=true" in page.url and "mode=lines" in page.url
        wait_charts(page)
        traces = page.evaluate(PLOTLY_TRACES_JS)[0]
        models = real_models()
        assert sorted(t["name"] for t in traces) == ["China", "United States"]
        for t in traces:
            assert t["type"] == "scatter"  # lines
            assert all(x[5:7] == "07" for x in t["x"])  # yearly periods, drawn at mid-year
            assert t["y"] == sorted(t["y"])  # cumulative
            code = {"China": "CN", "United States": "US"}[t["name"]]
            assert t["y"][-1] == models.filter(pl.col("country") == code).height
        context.close()


POINT_XY_JS = """() => {
  const gd = document.querySelector('.js-plotly-plot');
  const t = gd._fullData.find(t => t.type === 'scattergl' && t.x.length && t.x[0] !== null);
  const xa = gd._fullLayout.xaxis, ya = gd._fullLayout.yaxis, box = gd.getBoundingClientRect();
  return [box.left + xa._offset + xa.l2p(xa.d2l(t.x[0])), box.top + ya._offset + ya.l2p(ya.d2l(t.y[0]))];
}"""


def test_clicking_a_point_on_scale_shows_the_model_and_its_source(page, server):
    models = pl.read_csv(ROOT / "data" / "models.csv", infer_schema=False)
    sized = models.filter(pl.col("organization") == "xAI", pl.col("params_total_b").is_not_null())
    assert sized.height == 1, "the test needs an organization with exactly one point on Scale"
    row = sized.row(0, named=True)
    open_page(page, server, "/scale?country=US&org=xAI")
    wait_charts(page)
    assert page.locator(".js-plotly-plot .gl-container canvas").count() > 0  # drawn with WebGL
    page.mouse.click(*page.evaluate(POINT_XY_JS))  # WebGL points are pixels on a canvas: click where it is
    expect(page.get_by_text(f"{row['name']} · xAI (United States) · released {row['release_date']}")).to_be_visible(
        timeout=30_000)
    source = page.get_by_role("link", name=re.compile("Open the source"))
    expect(source).to_be_visible()
    assert source.get_attribute("href") == row["source_url"]


def test_sliders_round_trip_through_a_copied_url(page, browser, server):
    open_page(page, server, "/explorer")
    sliders = page.locator('[data-testid="stSidebar"] input[type="range"]')
    sliders.nth(0).focus()
    for _ in range(3):
        page.keyboard.press("PageUp")  # move the start of the release-date range
    page.wait_for_timeout(1500)
    wait_ready(page)
    sliders.nth(3).focus()
    page.keyboard.press("ArrowLeft")  # lower the parameter ceiling one step
    page.wait_for_timeout(1500)
    wait_ready(page)
    assert "date=" in page.url and "params=" in page.url
    count = explorer_count(page)
    assert count < real_models().height

    context = browser.new_context()
    other = context.new_page()
    other.goto(page.url)
    wait_ready(other)
    assert explorer_count(other) == count
    assert other.get_by_text("Some values in the link were ignored:").count() == 0
    context.close()


def test_explorer_download_equals_the_csv_rows(page, server):
    open_page(page, server, "/explorer?country=FR&arch=moe")
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download every matching row")).click()
    download = info.value
    assert download.suggested_filename == "explorer_models_FR.csv"
    got = pl.read_csv(download.path(), infer_schema=False)
    source = pl.read_csv(ROOT / "data" / "models.csv", infer_schema=False)
    want = source.filter((pl.col("country") == "FR") & (pl.col("architecture") == "moe"))
    assert got.columns == source.columns
    assert got.sort("model_id").fill_null("").equals(want.sort("model_id").fill_null(""))


def test_chart_download_equals_an_independent_count(page, server):
    open_page(page, server, "/releases?country=US&country=CN&period=year")
    with page.expect_download() as info:
        page.get_by_role("button", name="Download CSV").first.click()
    download = info.value
    assert download.suggested_filename == "releases_by_year_CN-US.csv"
    got = pl.read_csv(download.path()).filter(pl.col("releases") > 0)
    want = (real_models().filter(pl.col("country").is_in(["US", "CN"]))
            .group_by(pl.col("release_date").dt.truncate("1y").cast(pl.String).alias("period_start"),
                      pl.col("country").alias("country_group")).len("releases"))
    assert sorted(got.rows()) == sorted(want.rows())


def test_the_view_zip_and_the_source_line_carry_the_address_the_browser_shows(page, server):
    import json
    import zipfile
    open_page(page, server, "/releases?country=US&country=CN&period=year")
    wait_charts(page)
    subtitle = page.evaluate("() => document.querySelector('.js-plotly-plot').layout.title.subtitle.text")
    assert "China and United States" in subtitle and "CC-BY-4.0" in subtitle
    shown = "".join(re.sub(r"<[^>]+>", "", line) for line in subtitle.split("<br>"))  # lines joined, tags out
    assert f"{server.url}/releases?country=US&amp;country=CN&amp;period=year" in shown
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download this view")).click()
    download = info.value
    assert download.suggested_filename == "releases_view_CN-US.zip"
    z = zipfile.ZipFile(download.path())
    assert "releases_by_year_CN-US.csv" in z.namelist() and "citation.bib" in z.namelist()
    assert json.loads(z.read("view.json"))["url"] == f"{server.url}/releases?country=US&country=CN&period=year"


def test_unknown_page_and_hostile_values_show_a_notice(page, server):
    open_page(page, server, "/no-such-page?country=US&country=%3Cscript%3Ealert(1)%3C%2Fscript%3E&foo=1")
    expect(page.get_by_text("Page not found")).to_be_visible()
    expect(page.get_by_text("Some values in the link were ignored:")).to_be_visible()
    assert "<script>" in page.locator('[data-testid="stText"]').first.inner_text()
    assert parse_qs(urlsplit(page.url).query)["country"] == ["United States (US)"]  # as the widget writes it
    assert "script" not in page.url and "foo" not in page.url


def private_data_server(tmp_path_factory, name: str):
    """A server on a private copy of data/, whose database was built before it started (as after `make build`);
    its log must hold no error when it stops."""
    folder = tmp_path_factory.mktemp(f"{name}-data")
    for file in ("models.csv", "events.csv"):
        shutil.copy(ROOT / "data" / file, folder / file)
    build(folder)
    srv = Server(folder, free_port(), tmp_path_factory.mktemp(f"{name}-logs") / "streamlit.log").start()
    yield srv
    srv.stop()
    assert srv.log_errors() == []


@pytest.fixture(scope="module")
def edited_server(tmp_path_factory):
    yield from private_data_server(tmp_path_factory, "edited")


def name_a_fresh_session_downloads(browser, server, model_id: str) -> str:
    """A model's name in the Explorer's CSV download (searched by its model_id), in a new browser session."""
    context = browser.new_context(viewport={"width": 1400, "height": 1600}, accept_downloads=True)
    page = context.new_page()
    open_page(page, server, "/explorer?q=" + quote(model_id))
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download every matching row")).click()
    rows = pl.read_csv(info.value.path(), infer_schema=False).filter(pl.col("model_id") == model_id)
    context.close()
    return rows["name"].item()


def test_valid_csv_edits_show_in_fresh_sessions_without_a_restart(browser, edited_server, page):
    folder = edited_server.data_dir
    csv = folder / "models.csv"
    lines = csv.read_text(encoding="utf-8").split("\n")
    before = pl.read_csv(csv, infer_schema=False)
    assert len(lines) == before.height + 2  # header, one physical line per row, final newline
    open_page(page, edited_server, "/explorer")  # a session that stays open through both edits
    assert explorer_count(page) == before.height
    assert name_a_fresh_session_downloads(browser, edited_server, "bloom") == "BLOOM"

    # First edit: rename a model.
    row = next(i for i, line in enumerate(lines) if line.startswith("bloom,BLOOM,"))
    lines[row] = lines[row].replace("bloom,BLOOM,", "bloom,BLOOM (first edit),", 1)
    csv.write_text("\n".join(lines), encoding="utf-8")
    assert name_a_fresh_session_downloads(browser, edited_server, "bloom") == "BLOOM (first edit)"

    # Second edit: rename it again and remove a row that no event refers to.
    lines[row] = lines[row].replace("(first edit)", "(second edit)", 1)
    cited = set(pl.read_csv(folder / "events.csv", infer_schema=False)["model_id"].drop_nulls())
    gone = next(i for i, line in enumerate(lines[1:-1], 1) if i != row and line.split(",", 1)[0] not in cited)
    del lines[gone]
    csv.write_text("\n".join(lines), encoding="utf-8")
    assert name_a_fresh_session_downloads(browser, edited_server, "bloom") == "BLOOM (second edit)"
    page.locator('[data-testid="stSidebarNav"]').get_by_text("About").click()  # the open session's next run
    wait_ready(page)
    expect(page.get_by_text(re.compile(rf"\({before.height - 1} models, \d+ events\)"))).to_be_visible()
    open_page(page, edited_server, "/explorer")
    assert explorer_count(page) == before.height - 1

    served = [p.name for p in folder.iterdir() if p.name.endswith(".duckdb") and p.name != DB_NAME]
    assert len(served) == 2  # this build and the one before
    assert [p.name for p in folder.iterdir() if ".tmp" in p.name or p.name.endswith(".wal")] == []


HTML = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2">'
PLOTLY_HTML = '<a href="https://evil.example/">link</a><span style="font-size:60px;color:red">big</span>'


@pytest.fixture(scope="module")
def html_server(tmp_path_factory):
    """Markup in the data, built into the database past validation (which refuses it): what the pages and the
    chart builders must show as text on their own."""
    models, events = copy.deepcopy(MODELS), copy.deepcopy(EVENTS)
    models[17]["name"] = "Evil " + HTML
    models[17]["notes"] = HTML
    models[18]["name"] = "**bold** [link](https://example.org) " + HTML  # kimi-k2: China's largest model
    models[18]["organization"] = "Moonshot " + PLOTLY_HTML
    events[3]["title"] = "R1 " + HTML + PLOTLY_HTML
    folder = write_dataset(tmp_path_factory.mktemp("html-data"), models, events)
    build_unchecked(folder)
    srv = Server(folder, free_port(), folder / "streamlit.log").start()
    yield srv
    srv.stop()


@pytest.mark.parametrize("name", list(PAGES))
def test_html_in_data_is_shown_as_text(browser, html_server, name):
    context = browser.new_context(viewport={"width": 1400, "height": 1600})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(html_server.url + PAGES[name] + ("?event=deepseek-r1-release" if name == "events" else ""))
    wait_ready(page)
    assert page.evaluate("() => window.__xss") is None
    assert dialogs == []
    assert page.locator('[data-testid="stMain"] img[src="x"]').count() == 0
    if name in CHART_PAGES:  # Plotly draws the values as text: no live link, no restyled text
        wait_charts(page)
        assert page.locator('.js-plotly-plot a[href*="evil.example"]').count() == 0
        assert page.locator('.js-plotly-plot [style*="font-size:60px"], .js-plotly-plot [style*="font-size: 60px"]'
                            ).count() == 0
    if name == "overview":  # China's largest model name is shown verbatim, markdown included
        expect(page.get_by_text("**bold** [link](https://example.org)", exact=False)).to_be_visible()
    context.close()


@pytest.fixture(scope="module")
def broken_server(tmp_path_factory):
    models = copy.deepcopy(MODELS)
    models[3]["country"] = "XX"
    folder = write_dataset(tmp_path_factory.mktemp("bad-data"), models, EVENTS)
    srv = Server(folder, free_port(), folder / "streamlit.log").start()
    yield srv
    srv.stop()


def test_invalid_data_shows_the_error_page(page, broken_server):
    page.goto(broken_server.url + "/releases")
    wait_ready(page)
    expect(page.get_by_text("The data did not pass validation")).to_be_visible()
    expect(page.get_by_text(re.compile(r"models\.csv:5:country: 'XX'"))).to_be_visible()
    assert page.locator('[data-testid="stException"]').count() == 0
    page.screenshot(path=str(ARTIFACTS / "error_page.png"))


@pytest.mark.parametrize("scheme", ["dark", "light"])
def test_the_theme_follows_the_browser(browser, server, scheme):
    context = browser.new_context(color_scheme=scheme, viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.goto(f"{server.url}/releases")
    wait_ready(page)
    rgb = page.evaluate("getComputedStyle(document.querySelector('[data-testid=\"stApp\"]')).backgroundColor")
    r, g, b = (int(v) for v in re.findall(r"\d+", rgb)[:3])
    assert (0.299 * r + 0.587 * g + 0.114 * b < 80) == (scheme == "dark"), rgb
    context.close()


def test_hover_names_the_period_and_says_to_date(page, server):
    open_page(page, server, "/releases?period=quarter")  # all countries: the last bar is the current quarter
    wait_charts(page)
    box = page.locator(".js-plotly-plot .barlayer .point").last.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + max(1, box["height"] / 2))
    page.wait_for_timeout(800)
    text = " ".join(page.evaluate("Array.from(document.querySelectorAll('.hoverlayer')).map(e => e.textContent)"))
    from datetime import date

    from openmodels.contract import contract
    as_of = date.fromisoformat(contract().data_as_of)
    assert f"Q{(as_of.month - 1) // 3 + 1} {as_of.year}" in text and "to date" in text, text


def sent_elements(frames: list[bytes]) -> list[str]:
    """The kinds of element the server sent in these websocket frames (Streamlit's ForwardMsg protobuf)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    kinds = []
    for raw in frames:
        msg = ForwardMsg()
        msg.ParseFromString(raw)
        if msg.WhichOneof("type") == "delta" and msg.delta.WhichOneof("type") == "new_element":
            el = msg.delta.new_element
            kinds.append(el.WhichOneof("type") + (f":{el.heading.body}" if el.WhichOneof("type") == "heading" else ""))
    return kinds


def test_a_toggle_inside_a_fragment_reruns_its_block_and_is_kept_in_the_url(page, server):
    """Scale's controls live in an st.fragment: a choice there reruns only the chart block (the server sends the
    chart again, not the page title or the sidebar), and the bound widget still writes the URL."""
    models = real_models().with_columns(pl.col("params_total_b", "params_active_b").cast(pl.Float64))
    frames: list[bytes] = []
    page.on("websocket", lambda ws: ws.on("framereceived", lambda data: frames.append(data)
                                          if isinstance(data, bytes) else None))
    open_page(page, server, "/scale?country=FR")
    wait_charts(page)
    assert "heading:Scale" in sent_elements(frames)  # a full run sends the title
    frames.clear()
    page.locator('[data-testid="stButtonGroup"]').get_by_text("active", exact=True).click()
    page.wait_for_function("() => location.search.includes('metric=active')")
    wait_ready(page)
    wait_charts(page)
    sent = sent_elements(frames)
    assert "plotly_chart" in sent and "heading:Scale" not in sent and "heading:Filters" not in sent, sent
    drawn = page.evaluate("""() => document.querySelector('.js-plotly-plot')._fullData
      .filter(t => t.type === 'scattergl' && t.x.length && t.x[0] !== null).flatMap(t => Array.from(t.y))""")
    want = models.filter(pl.col("country") == "FR").drop_nulls("params_total_b")["params_active_b"]
    assert sorted(drawn) == pytest.approx(sorted(want.to_list()))
    other = page.context.new_page()
    other.goto(page.url)
    wait_ready(other)
    wait_charts(other)
    drawn = other.evaluate("""() => document.querySelector('.js-plotly-plot')._fullData
      .filter(t => t.type === 'scattergl' && t.x.length && t.x[0] !== null).flatMap(t => Array.from(t.y))""")
    assert sorted(drawn) == pytest.approx(sorted(want.to_list()))  # the link reopens the active view


def test_explorer_pages_through_the_rows_and_keeps_the_page_in_the_url(page, server):
    models = real_models()
    open_page(page, server, "/explorer?rows=50&page=2")
    expect(page.get_by_text(f"Rows 51–100 of {models.height}.")).to_be_visible()
    box = page.locator('[data-testid="stNumberInput"] input')
    box.fill("3")
    box.press("Enter")
    page.wait_for_function("() => location.search.includes('page=3')")
    wait_ready(page)
    expect(page.get_by_text(f"Rows 101–150 of {models.height}.")).to_be_visible()


def test_organizations_page_draws_the_top_organizations_with_their_country(page, server):
    open_page(page, server, "/organizations?org_period=year&org_top=3")
    wait_charts(page)
    traces = page.evaluate(PLOTLY_TRACES_JS)[0]
    models = real_models()
    top = (models.group_by("organization", "country").len().sort(["len", "organization"], descending=[True, False])
           .head(3))
    names = [t["name"] for t in traces if t["type"] == "bar"]
    assert names == [f"{o} ({c})" for o, c, _ in top.rows()] + ["Other"]
    assert sum(y for t in traces if t["type"] == "bar" for y in t["y"]) == models.height
    expect(page.get_by_text("Every organization in the filters")).to_be_visible()
def expect_chips(page, label: str, want: list[str]) -> None:
    """The sidebar multiselect called `label` shows exactly the chips `want`, in order."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text=label)
    chips = box.locator(".react-aria-ComboBox [data-tag]")
    expect(chips).to_have_count(len(want), timeout=30_000)
    for i, label in enumerate(want):
        expect(chips.nth(i)).to_have_attribute("aria-label", label, timeout=30_000)


def test_a_link_with_a_country_code_shows_the_name_and_the_url_works_after_a_click(page, browser, server):
    models = real_models()
    open_page(page, server, "/explorer?country=CN")
    expect_chips(page, "Country", ["China (CN)"])
    assert page.get_by_text("Some values in the link were ignored:").count() == 0
    assert explorer_count(page) == models.filter(pl.col("country") == "CN").height

    pick(page, "Country", "France")
    deepseek = models.filter(pl.col("organization") == "DeepSeek").height
    pick(page, "Organization", "DeepSeek")
    expect_chips(page, "Country", ["China (CN)", "France (FR)"])
    expect_chips(page, "Organization", [f"DeepSeek ({deepseek})"])
    assert explorer_count(page) == deepseek
    written = parse_qs(urlsplit(page.url).query)  # the widgets write their labels
    assert written["country"] == ["China (CN)", "France (FR)"] and written["org"] == [f"DeepSeek ({deepseek})"]

    other = browser.new_context(viewport={"width": 1400, "height": 1600}).new_page()
    open_page(other, server, page.url.removeprefix(server.url))  # the link as the widgets wrote it
    expect_chips(other, "Country", ["China (CN)", "France (FR)"])
    expect_chips(other, "Organization", [f"DeepSeek ({deepseek})"])
    assert other.get_by_text("Some values in the link were ignored:").count() == 0
    assert explorer_count(other) == deepseek
    other.context.close()


@pytest.fixture(scope="module")
def org_edit_server(tmp_path_factory):
    """A server on a private copy of data/ that a test adds a row to while a session is open."""
    yield from private_data_server(tmp_path_factory, "org-edit")


def test_a_chosen_organization_stays_chosen_when_new_data_changes_its_count(page, org_edit_server):
    """The browser holds the chosen option's label, 'DeepSeek (N)'; after a row is added it reads
    'DeepSeek (N+1)', and the open session keeps DeepSeek chosen on its next run."""
    csv = org_edit_server.data_dir / "models.csv"
    n = pl.read_csv(csv, infer_schema=False).filter(pl.col("organization") == "DeepSeek").height
    open_page(page, org_edit_server, "/explorer?org=DeepSeek")
    expect_chips(page, "Organization", [f"DeepSeek ({n})"])
    row = next(line for line in csv.read_text(encoding="utf-8").splitlines() if line.startswith("deepseek-coder-1.3b,"))
    copy_row = row.replace("deepseek-coder-1.3b,DeepSeek-Coder-1.3B,", "deepseek-coder-1.3b-copy,DeepSeek-Coder-1.3B copy,", 1)
    csv.write_text(csv.read_text(encoding="utf-8") + copy_row + "\n", encoding="utf-8")
    pick(page, "Country", "CN")  # the session's next run, on the new data
    expect_chips(page, "Organization", [f"DeepSeek ({n + 1})"])
    expect(page.get_by_text(f"{n + 1} models match")).to_be_visible()
def test_after_a_toggle_inside_a_fragment_the_view_zip_holds_what_is_on_screen(page, server):
    """The zip button sits outside Scale's fragment and is not sent again when the fragment reruns; on click it
    still gives the chart the fragment drew last, with that view's link."""
    import json
    import zipfile
    open_page(page, server, "/scale?country=FR")
    wait_charts(page)
    page.locator('[data-testid="stButtonGroup"]').get_by_text("active", exact=True).click()
    page.wait_for_function("() => location.search.includes('metric=active')")
    wait_ready(page)
    wait_charts(page)
    with page.expect_download() as info:
        page.get_by_role("button", name=re.compile("Download this view")).click()
    z = zipfile.ZipFile(info.value.path())
    assert "scale_active_parameters_FR.csv" in z.namelist() and "scale_total_parameters_FR.csv" not in z.namelist()
    assert "metric=active" in json.loads(z.read("view.json"))["url"]
    got = pl.read_csv(z.open("scale_active_parameters_FR.csv"))
    assert set(got["country"]) == {"FR"}

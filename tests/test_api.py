"""The data API against the real server (`streamlit run asgi.py`: uvicorn on loopback, the fixture data): each
download menu links to the API, and the link returns the download byte for byte; JSON of the same rows; the
page's own reasons for a bad value, as HTTP 400; the dataset version and the security headers."""

from __future__ import annotations

import io
import json
import re
import urllib.error
import urllib.request
from datetime import date

import polars as pl
import pytest

from browser_support import ROOT, Server, free_port
from openmodels import api, views
from openmodels.filters import Filters
from openmodels.params import FilterOptions, filter_pairs, parse_filters
from openmodels.queries import Database
from test_pages import app, downloads, entrypoints  # noqa: F401 - the pages' AppTest fixtures

LINK = re.compile(r"Data API: \[CSV\]\((/api/[^)]+)\) · \[JSON\]\((/api/[^)]+)\)")


@pytest.fixture(scope="module")
def server(fixture_dir, tmp_path_factory):
    srv = Server(fixture_dir, free_port(), tmp_path_factory.mktemp("api") / "server.log").start()
    yield srv
    srv.stop()


def get(srv: Server, path: str):
    """(status, headers, body) of a GET, errors included."""
    try:
        with urllib.request.urlopen(srv.url + path, timeout=30) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers, err.read()


@pytest.fixture(scope="module")
def version(fixture_dir) -> str:
    db = Database(fixture_dir / "openmodels.duckdb")
    yield db.run("dataset_meta")["dataset_version"][0]
    db.close()


@pytest.mark.parametrize("page,params", [
    ("overview", {"country": ["CN", "US"]}),
    ("releases", {"country": ["CN"], "period": "YEAR", "cumulative": "true", "top": "3"}),
    ("releases", {"mode": "percent", "date": ["2023-01", "2025-06"]}),
    ("scale", {"params": ["7B", "1000B"], "metric": "active"}),
    ("moe", {"moe_period": "quarter"}),
    ("compute", {}),
    ("licenses", {"lic_value": "counts", "lic_period": "quarter", "access": ["unrestricted"]}),
    ("events", {"ev_cat": ["export-control"], "months": "12", "date": ["2022-01", "2026-12"]}),
    ("explorer", {"country": ["CN"], "q": "qwen"}),
])
def test_each_download_menu_links_to_the_api_which_returns_the_download(app, downloads, server, monkeypatch,
                                                                         page, params):
    monkeypatch.setattr(api, "SERVED", True)  # AppTest has no server; the links show when asgi.py mounts the API
    at = app(page, **params)
    links = [m.groups() for c in at.caption if (m := LINK.search(c.value))]
    recorded = {key: data for _, data, _, key in downloads}
    served_keys = [k for k in recorded if k in views.BY_KEY]
    assert served_keys and len(links) == len(served_keys)  # every download a view serves shows its link
    for csv_path, json_path in links:
        name = csv_path.split("/")[2].split(".")[0]
        status, headers, body = get(server, csv_path)
        assert status == 200, body
        assert body == recorded[views.VIEWS[name].key], csv_path
        assert headers["Content-Type"].startswith("text/csv")
        status, _, body = get(server, json_path)
        doc = json.loads(body)
        assert status == 200 and doc["view"] == name
        expected = pl.read_csv(io.BytesIO(recorded[views.VIEWS[name].key]))
        assert [c["name"] for c in doc["columns"]] == expected.columns
        assert len(doc["rows"]) == expected.height


def test_json_holds_the_rows_typed(server, version):
    status, headers, body = get(server, "/api/releases_by_country_period.json?country=CN&period=year")
    doc = json.loads(body)
    assert status == 200 and headers["Content-Type"] == "application/json"
    assert doc["dataset_version"] == version
    assert doc["columns"] == [{"name": "period_start", "type": "Date"}, {"name": "country_group", "type": "String"},
                              {"name": "releases", "type": "Int64"}]
    assert doc["rows"] and all(r["country_group"] == "CN" and isinstance(r["releases"], int) for r in doc["rows"])
    assert all(re.fullmatch(r"\d{4}-01-01", r["period_start"]) for r in doc["rows"])


def test_countries_and_organizations_are_read_as_the_page_reads_their_links(server):
    """The widgets write labels into the page's address ('China (CN)', 'DeepSeek (49)'): the API reads a link
    copied from the browser, with codes or with plain names alike."""
    by_code = get(server, "/api/models.csv?country=CN")
    assert by_code[0] == 200
    for query in ("country=China", "country=China+%28CN%29", "country=cn"):
        status, _, body = get(server, f"/api/models.csv?{query}")
        assert (status, body) == (200, by_code[2]), query
    org = get(server, "/api/models.csv?org=DeepSeek")
    assert org[0] == 200 and get(server, "/api/models.csv?org=DeepSeek+%283%29")[2] == org[2]


BAD_LINKS = [  # (view, query string, what the reason says)
    ("models", "country=XX", "country: 'XX' — not a country with releases in the data"),
    ("models", "country=US&org=DeepSeek", "org: 'DeepSeek' — outside the chosen countries (DeepSeek is in China)"),
    ("models", "date=2025-06&date=2024-01", "date: '2025-06', '2024-01' — range is reversed (start after end)"),
    ("models", "date=2024-01", "date: '2024-01' — a range needs exactly two values"),
    ("models", "date=soon&date=later", "not valid values for this range"),
    ("models", "params=8B&params=70B", "params: '8B', '70B' — not valid values for this range"),
    ("models", "modality=smell", "modality: 'smell' — not a known value"),
    ("models", "q=" + "x" * 201, "longer than 200 characters"),
    ("releases_by_country_period", "period=decade", "period: 'decade' — not a known value"),
    ("releases_by_country_period", "top=4", "top: '4' — not a known value"),
    ("releases_by_country_period", "colour=red", "colour: 'red' — not a setting of this page"),
    ("events_timeline", "country=CN", "country: 'CN' — not a setting of this page"),
    ("event_window", "event=no-such-event", "event: 'no-such-event' — not a known value"),
]


@pytest.mark.parametrize("view,qs,reason", BAD_LINKS)
def test_a_bad_value_is_refused_with_the_reason(server, version, view, qs, reason):
    status, headers, body = get(server, f"/api/{view}.csv?{qs}")
    assert status == 400 and reason in body.decode()
    assert headers[api.VERSION_HEADER] == version
    status, _, body = get(server, f"/api/{view}.json?{qs}")
    assert status == 400 and reason in json.loads(body)["error"]


@pytest.mark.parametrize("page,params", [
    ("releases", {"country": "XX"}), ("releases", {"period": "decade"}), ("explorer", {"modality": "smell"}),
    ("releases", {"date": ["2025-06", "2024-01"]}), ("releases", {"colour": "red"}),
])
def test_the_page_ignores_what_the_api_refuses_for_the_same_reason(app, server, page, params):
    at = app(page, **params)
    notice = "\n".join(t.value for t in at.text)
    view = {"releases": "releases_by_country_period", "explorer": "models"}[page]
    qs = "&".join(f"{k}={v}" for k, vs in params.items() for v in ([vs] if isinstance(vs, str) else vs))
    status, _, body = get(server, f"/api/{view}.json?{qs}")
    assert status == 400
    message = json.loads(body)["message"]  # the error without the hint on what to write instead
    assert message + ", ignored" in notice, (message, notice)


def test_unknown_views_and_formats_are_not_found(server, version):
    status, headers, body = get(server, "/api/no_such_view.csv")
    assert status == 404 and b"No view named 'no_such_view'" in body and b"models" in body
    assert headers[api.VERSION_HEADER] == version
    for path in ("/api/models.xlsx", "/api/models"):
        assert get(server, path)[0] == 404
    status, _, body = get(server, "/api")
    index = json.loads(body)
    assert status == 200 and {v["name"] for v in index["views"]} == set(views.VIEWS)


def test_answers_name_the_dataset_version_and_come_from_uvicorn(server, version):
    status, headers, _ = get(server, "/api/models.csv")
    assert status == 200 and headers[api.VERSION_HEADER] == version and headers["Server"] == "uvicorn"


def nginx_headers() -> dict[str, str]:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    return dict(re.findall(r'add_header\s+(\S+)\s+"([^"]*)"', conf))


@pytest.mark.parametrize("path", ["/", "/releases", "/_stcore/health", "/api", "/api/models.csv",
                                  "/api/models.csv?country=XX", "/api/nothing.csv"])
def test_every_response_has_the_security_headers_of_the_nginx_example(server, path):
    want = nginx_headers()
    assert set(want) == {"Content-Security-Policy", "X-Frame-Options", "X-Content-Type-Options", "Referrer-Policy"}
    assert want == api.SECURITY_HEADERS
    _, headers, _ = get(server, path)
    for name, value in want.items():
        assert headers[name] == value, (path, name)


def test_a_link_written_from_filters_reads_back_as_the_same_filters():
    options = FilterOptions.of({"first_release": date(2019, 2, 14), "last_release": date(2026, 9, 20),
                                "max_params_b": 1600}, date(2026, 11, 30), ["CN", "US", "FR"],
                               {"DeepSeek": "CN", "Meta": "US", "Mistral AI": "FR"},
                               {"modality": ["text", "vision-language"], "architecture": ["dense", "moe"],
                                "accessibility": ["unrestricted"], "evidence": ["primary", "reported"]})
    for f in [Filters(), Filters(countries=("CN", "US"), orgs=("DeepSeek",)),
              Filters(date_from=date(2023, 3, 1)), Filters(date_to=date(2025, 6, 30)),
              Filters(date_from=date(2020, 1, 1), date_to=date(2020, 1, 31), pmin=7),
              Filters(pmax=70, modalities=("text",), architectures=("moe",), evidence=("reported",))]:
        pairs = filter_pairs(f, options)
        query: dict[str, list[str]] = {}
        for k, v in pairs:
            query.setdefault(k, []).append(v)
        assert parse_filters(query, options) == f, pairs


@pytest.mark.browser
def test_in_the_browser_the_download_menu_links_to_the_same_csv(server):
    from playwright.sync_api import sync_playwright

    from browser_support import launch_kwargs, wait_ready

    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_kwargs())
        try:
            page = browser.new_context(viewport={"width": 1400, "height": 2200}, accept_downloads=True).new_page()
            page.goto(server.url + "/releases?country=CN&period=year")
            wait_ready(page)
            link = page.locator('a[href*="/api/releases_by_country_period.csv"]')
            href = link.get_attribute("href")
            assert href == f"{server.url}/api/releases_by_country_period.csv?country=CN&period=year"
            with page.expect_download() as download:
                page.get_by_role("button", name="Download CSV").first.click()
            with open(download.value.path(), "rb") as fh:
                downloaded = fh.read()
        finally:
            browser.close()
    status, _, body = get(server, href.removeprefix(server.url))
    assert status == 200 and body == downloaded


def test_the_api_serves_a_csv_edit_without_a_restart_and_refuses_invalid_data(data_copy, tmp_path_factory):
    """The file watcher is off (make run): the API, like the pages, notices edits from the files' stats."""
    srv = Server(data_copy, free_port(), tmp_path_factory.mktemp("api-edit") / "server.log").start()
    try:
        csv = data_copy / "models.csv"
        rows = pl.read_csv(csv, infer_schema=False)
        model_id, name = rows["model_id"][0], rows["name"][0]
        path = f"/api/models.json?q={model_id}"
        assert name in [r["name"] for r in json.loads(get(srv, path)[2])["rows"]]
        rows.with_columns(pl.when(pl.col("model_id") == model_id).then(pl.lit(name + " (edited)"))
                          .otherwise(pl.col("name")).alias("name")).write_csv(csv)
        assert name + " (edited)" in [r["name"] for r in json.loads(get(srv, path)[2])["rows"]]
        csv.write_text(csv.read_text().replace(f"{model_id},", "", 1))  # a row that no longer fits the contract
        status, _, body = get(srv, path)
        assert status == 503 and "did not pass validation" in json.loads(body)["error"]
    finally:
        srv.stop()


def test_while_a_new_build_cannot_be_written_the_previous_build_is_served_with_a_notice(data_copy, monkeypatch):
    """As the pages do (tests/test_faults.py): the CSVs changed, the build fails, the last good build answers."""
    from openmodels.build import BuildFailed

    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(data_copy))
    current = api.Current()
    assert current.context().notice == ""
    csv = data_copy / "models.csv"
    csv.write_text(csv.read_text() + "\n")  # the stats change, so the next request looks for a new build

    def fails(folder):
        raise BuildFailed("The data folder cannot be written.", "Make it writable.")
    monkeypatch.setattr(api, "ensure_database", fails)
    ctx = current.context()
    assert ctx.notice.startswith("the previous build is served: The data folder cannot be written.")
    assert views.run(views.view("models"), Filters(), {"q": ""}, ctx).height > 0

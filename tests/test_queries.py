"""Every named query, run on the fixture database, equals the same answer computed with Polars."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from openmodels.filters import Filters
from openmodels.queries import Database, available_queries, query_params

ROOT = Path(__file__).resolve().parent.parent
AS_OF = date(2026, 11, 23)
NO_FILTER = Filters()
ALL_ROWS = {"search": "", "limit": None, "offset": 0}  # explorer_models unpaged
SOME = Filters(countries=("US", "CN"), date_from=date(2023, 1, 1), date_to=date(2025, 12, 31))


def apply(models: pl.DataFrame, f: Filters) -> pl.DataFrame:
    """The sidebar filters, written independently of the SQL macro."""
    m = models
    if f.countries:
        m = m.filter(pl.col("country").is_in(f.countries))
    if f.orgs:
        m = m.filter(pl.col("organization").is_in(f.orgs))
    if f.date_from:
        m = m.filter(pl.col("release_date") >= f.date_from)
    if f.date_to:
        m = m.filter(pl.col("release_date") <= f.date_to)
    if f.modalities:
        m = m.filter(pl.col("modality").is_in(f.modalities))
    if f.architectures:
        m = m.filter(pl.col("architecture").is_in(f.architectures))
    if f.accessibility:
        m = m.filter(pl.col("accessibility").is_in(f.accessibility))
    if f.pmin is not None:
        m = m.filter(pl.col("params_total_b") >= f.pmin)
    if f.pmax is not None:
        m = m.filter(pl.col("params_total_b") <= f.pmax)
    if f.evidence:
        m = m.filter(pl.col("evidence").is_in(f.evidence))
    return m


def grouped(m: pl.DataFrame, f: Filters, top_n: int) -> pl.DataFrame:
    ranks = m.group_by("country").len().sort(["len", "country"], descending=[True, False])
    top = ranks["country"].head(top_n).to_list()
    return m.with_columns(
        pl.when(pl.lit(bool(f.countries)) | pl.col("country").is_in(top)).then(pl.col("country"))
        .otherwise(pl.lit("Other")).alias("country_group"))


FILTER_CASES = [NO_FILTER, SOME, Filters(architectures=("moe",), pmin=100.0),
                Filters(orgs=("Meta",), modalities=("text",)), Filters(countries=("ZZ",)),
                Filters(evidence=("reference", "reported")), Filters(countries=("CN",), evidence=("primary",))]


@pytest.mark.parametrize("f", FILTER_CASES)
def test_explorer_models_returns_every_filtered_row(db, models, f):
    got = db.run("explorer_models", f.params() | ALL_ROWS)
    want = apply(models, f)
    assert sorted(got["model_id"].to_list()) == sorted(want["model_id"].to_list())
    assert got.columns == models.columns


def test_explorer_search_is_case_insensitive_and_bound(db, models):
    got = db.run("explorer_models", NO_FILTER.params() | ALL_ROWS | {"search": "LLAMA"})
    assert sorted(got["model_id"]) == sorted(m for m in models["model_id"] if "llama" in m)
    hostile = db.run("explorer_models", NO_FILTER.params() | ALL_ROWS | {"search": "' OR 1=1 --"})
    assert hostile.is_empty()


@pytest.mark.parametrize("f", FILTER_CASES)
@pytest.mark.parametrize("period", ["month", "quarter", "year"])
@pytest.mark.parametrize("unit", ["checkpoints", "families"])
def test_releases_by_country_period(db, models, f, period, unit):
    got = db.run("releases_by_country_period", f.params() | {"period": period, "unit": unit, "top_n": 3})
    m = grouped(apply(models, f), f, 3).with_columns(pl.col("release_date").dt.truncate(
        {"month": "1mo", "quarter": "3mo", "year": "1y"}[period]).alias("period_start"))
    if unit == "families":
        m = m.unique(["country_group", "organization", "family", "release_date"])
    counts = m.group_by("period_start", "country_group").len("releases")
    nonzero = got.filter(pl.col("releases") > 0).select("period_start", "country_group", "releases")
    assert_frame_equal(nonzero, counts.cast({"releases": pl.Int64}), check_row_order=False)
    if not got.is_empty():
        last = got.group_by("country_group").agg(pl.col("cumulative_releases").last())
        totals = counts.group_by("country_group").agg(pl.col("releases").sum().alias("cumulative_releases"))
        assert_frame_equal(last, totals.cast({"cumulative_releases": pl.Int64}), check_row_order=False)
        shares = (got.group_by("period_start").agg(pl.col("share_pct").sum(), pl.col("releases").sum())
                  .filter(pl.col("releases") > 0))
        assert all(abs(s - 100) < 0.5 for s in shares["share_pct"])


@pytest.mark.parametrize("f", FILTER_CASES)
def test_overview_kpis_by_bloc(db, models, f):
    got = db.run("overview_kpis_by_bloc", f.params() | {"as_of": AS_OF})
    m = apply(models, f).with_columns(
        pl.col("country").replace_strict({"US": "United States", "CN": "China"}, default="Rest of world").alias("bloc"))
    windows = {"last_12_months": (date(2025, 11, 23), AS_OF), "prior_12_months": (date(2024, 11, 23), date(2025, 11, 23))}
    for row in got.iter_rows(named=True):
        start, end = windows[row["window_name"]]
        b = m.filter(pl.col("bloc") == row["bloc"])
        inside = b.filter((pl.col("release_date") > start) & (pl.col("release_date") <= end))
        assert row["releases"] == inside.height
        assert row["moe_releases"] == inside.filter(pl.col("architecture") == "moe").height
        assert row["unrestricted_releases"] == inside.filter(pl.col("accessibility") == "unrestricted").height
        licensed = inside.drop_nulls("accessibility").height
        assert row["licensed_releases"] == licensed
        assert row["unrestricted_share_pct"] == (
            round(100 * row["unrestricted_releases"] / licensed, 1) if licensed else None)
        to_date = b.filter(pl.col("release_date") <= end).drop_nulls("params_total_b")
        assert row["largest_params_b"] == (to_date["params_total_b"].max() if to_date.height else None)
        if inside.height:
            assert row["moe_share_pct"] == round(100 * row["moe_releases"] / inside.height, 1)
    assert got.height == 6


@pytest.mark.parametrize("f", FILTER_CASES)
def test_models_scatter(db, models, f):
    got = db.run("models_scatter", f.params() | {"limit": 20_000})
    want = apply(models, f).drop_nulls("params_total_b")
    assert sorted(got["model_id"]) == sorted(want["model_id"])


@pytest.mark.parametrize("metric", ["total", "active"])
def test_frontier_by_country(db, models, metric):
    got = db.run("frontier_by_country", NO_FILTER.params() | {"metric": metric})
    col = "params_total_b" if metric == "total" else "params_active_b"
    want = []
    for country, part in models.drop_nulls(col).sort("release_date", col).group_by("country", maintain_order=True):
        best = None
        for r in part.iter_rows(named=True):
            if best is None or r[col] > best:
                best = r[col]
                want.append((country[0], r["release_date"], r[col]))
    assert sorted(got.select("country", "release_date", "params_b").rows()) == sorted(want)


@pytest.mark.parametrize("f", FILTER_CASES)
def test_moe_queries(db, models, f):
    m = apply(models, f)
    share = db.run("moe_share_by_country_period", f.params() | {"period": "year", "top_n": 3})
    g = grouped(m, f, 3).with_columns(pl.col("release_date").dt.truncate("1y").alias("period_start"))
    want = g.group_by("period_start", "country_group").agg(
        pl.len().alias("releases"), (pl.col("architecture") == "moe").sum().alias("moe_releases"))
    assert_frame_equal(share.select("period_start", "country_group", "releases", "moe_releases"),
                       want.cast({"releases": pl.Int64, "moe_releases": pl.Int64}), check_row_order=False)

    first = db.run("first_moe_by_organization", f.params())
    moe = m.filter(pl.col("architecture") == "moe").sort("release_date", "model_id")
    want_first = moe.group_by("organization", maintain_order=True).first()
    assert sorted(first.select("organization", "first_moe_date", "first_moe_model").rows()) == sorted(
        want_first.select("organization", "release_date", "name").rows())

    ratio = db.run("moe_active_ratio", f.params() | {"limit": 20_000})
    assert sorted(ratio["model_id"]) == sorted(moe.drop_nulls("params_active_b")["model_id"])
    for r in ratio.iter_rows(named=True):
        assert r["active_pct"] == round(100 * r["params_active_b"] / r["params_total_b"], 2)


@pytest.mark.parametrize("f", FILTER_CASES)
def test_license_queries(db, models, f):
    m = apply(models, f).with_columns(pl.col("license", "accessibility").fill_null("unconfirmed"))
    g = grouped(m, f, 8)
    for name, col in [("accessibility_by_country", "accessibility"), ("openness_by_country", "openness")]:
        got = db.run(name, f.params() | {"top_n": 8})
        want = g.group_by("country_group", col).len("releases").cast({"releases": pl.Int64})
        assert_frame_equal(got.select("country_group", col, "releases"), want, check_row_order=False)
    by_period = db.run("accessibility_by_period", f.params() | {"period": "year"})
    want = (m.with_columns(pl.col("release_date").dt.truncate("1y").alias("period_start"))
            .group_by("period_start", "accessibility").len("releases").cast({"releases": pl.Int64}))
    assert_frame_equal(by_period.select("period_start", "accessibility", "releases"), want, check_row_order=False)
    if f == NO_FILTER:  # the fixture's row with an unread license is counted, under its own class
        assert "unconfirmed" in by_period["accessibility"].to_list()
    top = db.run("top_licenses", f.params() | {"limit": 3})
    want = m.group_by("license").len("releases").sort(["releases", "license"], descending=[True, False]).head(3)
    assert top.select("license", "releases").rows() == want.cast({"releases": pl.Int64}).rows()


def test_events_timeline_and_window(db, fixture_dir, models):
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False).with_columns(pl.col("date").str.to_date())
    got = db.run("events_timeline", {"categories": ["release"], "event_countries": ["US"],
                                     "date_from": None, "date_to": None})
    want = events.filter((pl.col("category") == "release") & (pl.col("country") == "US"))
    assert got["event_id"].to_list() == want.sort("date", "event_id")["event_id"].to_list()
    assert got.filter(pl.col("event_id") == "gpt-oss-release")["model_name"].to_list() == ["GPT-OSS-120B"]

    window = db.run("event_window", NO_FILTER.params() | {"event_id": "deepseek-r1-release", "months": 12, "top_n": 10})
    day = date(2025, 1, 20)
    m = models.filter((pl.col("release_date") >= date(2024, 1, 20)) & (pl.col("release_date") < date(2026, 1, 20)))
    unplaced = (pl.col("date_precision") == "month") & (pl.col("release_date").dt.truncate("1mo") == date(2025, 1, 1))
    sides = {"same month, day unknown": m.filter(unplaced),
             "before": m.filter(~unplaced & (pl.col("release_date") < day)),
             "after": m.filter(~unplaced & (pl.col("release_date") >= day))}
    assert sides["same month, day unknown"].height == 1  # the fixture's month row of January 2025
    assert set(window["event_window"]) == set(sides)
    for r in window.iter_rows(named=True):
        assert r["releases"] == sides[r["event_window"]].filter(pl.col("country") == r["country_group"]).height


def test_events_timeline_says_which_events_are_key(db, fixture_dir):
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False)
    got = db.run("events_timeline", {"categories": [], "event_countries": [], "date_from": None, "date_to": None})
    assert got.schema["key"] == pl.Boolean
    want = dict(zip(events["event_id"], events["key"] == "true"))
    assert dict(zip(got["event_id"], got["key"])) == want
    assert 0 < sum(want.values()) < len(want)  # the fixture has key and other events
    labels = dict(zip(events["event_id"], events["label"]))
    assert {r["event_id"]: r["label"] for r in got.filter("key").iter_rows(named=True)} == {
        i: labels[i] for i, k in want.items() if k}
    assert got.filter(~pl.col("key"))["label"].is_null().all()


def test_options_bounds_meta_and_detail(db, models):
    opts = db.run("country_options", {})
    assert dict(opts.rows()) == dict(models.group_by("country").len().rows())
    orgs = db.run("organization_options", {"countries": ["CN"]})
    assert sorted(orgs["organization"]) == sorted(models.filter(pl.col("country") == "CN")["organization"].unique())
    assert db.run("organization_options", {"countries": []}).height == models["organization"].n_unique()
    bounds = db.run("data_bounds", {}).row(0, named=True)
    assert (bounds["first_release"], bounds["last_release"]) == (models["release_date"].min(),
                                                                models["release_date"].max())
    assert db.run("dataset_meta", {}).row(0, named=True)["models_rows"] == models.height
    detail = db.run("model_detail", {"model_id": "deepseek-r1"})
    assert detail.row(0, named=True)["params_total_b"] == 671


def test_source_domains(db, models, fixture_dir):
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False)
    got = {r[0]: (r[1], r[2]) for r in db.run("source_domains", {}).rows()}
    site = r"^https?://(?:www\.)?([^/]+)"
    m = models.group_by(pl.col("source_url").str.extract(site).alias("site")).len()
    e = events.group_by(pl.col("source_url").str.extract(site).alias("site")).len()
    want = {s: (dict(m.rows()).get(s, 0), dict(e.rows()).get(s, 0)) for s in set(m["site"]) | set(e["site"])}
    assert got == want


def test_a_query_refuses_missing_parameters(db):
    with pytest.raises(ValueError, match="needs parameters"):
        db.run("model_detail", {})


# --- where SQL may live --------------------------------------------------------------------

APP_FILES = [ROOT / "app.py", *sorted((ROOT / "pages").glob("*.py")),
             *sorted((ROOT / "openmodels" / "ui").glob("*.py"))]  # what pages/common.py held
PY_FILES = APP_FILES + sorted((ROOT / "openmodels").glob("*.py"))


def test_every_sql_file_is_used():
    text = "\n".join(p.read_text() for p in PY_FILES)
    unused = [q for q in available_queries() if f'"{q}"' not in text]
    assert unused == []


def test_no_sql_in_pages_or_app():
    sql = re.compile(r"\b(SELECT\s.+\sFROM|INSERT\s+INTO|CREATE\s+TABLE|UPDATE\s+\w+\s+SET|DELETE\s+FROM)\b",
                     re.IGNORECASE | re.DOTALL)
    offenders = [p.name for p in APP_FILES if sql.search(p.read_text())]
    assert offenders == []


def test_queries_bind_parameters_not_format_them():
    for name in available_queries():
        text = (ROOT / "queries" / f"{name}.sql").read_text()
        assert "{" not in text and "%s" not in text, name
        assert query_params(name) <= {"countries", "orgs", "date_from", "date_to", "modalities", "architectures",
                                      "accessibility", "pmin", "pmax", "period", "unit", "top_n", "as_of", "metric",
                                      "limit", "categories", "event_countries", "event_id", "months", "search",
                                      "model_id", "evidence", "offset"}


@pytest.mark.parametrize("f", FILTER_CASES)
def test_evidence_counts_equal_polars(db, models, f):
    got = dict(db.run("evidence_counts", f.params()).iter_rows())
    picked = apply(models, f)
    assert list(got) == ["primary", "reference", "reported"]
    for grade, n in got.items():
        assert n == picked.filter(pl.col("evidence") == grade).height


def test_the_evidence_filter_keeps_only_the_chosen_grades(db, models):
    rows = db.run("explorer_models", Filters(evidence=("reported",)).params() | ALL_ROWS)
    assert rows.height == models.filter(pl.col("evidence") == "reported").height > 0
    assert set(rows["evidence"]) == {"reported"}


SCATTERS = {  # scatter query -> (its column in scatter_point_counts, the rows it draws, written in Polars)
    "models_scatter": ("sized", lambda m: m.drop_nulls("params_total_b")),
    "compute_scatter": ("with_compute", lambda m: m.drop_nulls("training_compute_flop")),
    "moe_active_ratio": ("moe_sized", lambda m: m.filter(pl.col("architecture") == "moe")
                         .drop_nulls(["params_total_b", "params_active_b"])),
}


@pytest.mark.parametrize("f", FILTER_CASES)
@pytest.mark.parametrize("name", list(SCATTERS))
def test_a_scatter_above_its_limit_is_a_stable_sample_and_the_count_is_of_all(db, models, f, name):
    column, rows = SCATTERS[name]
    want = rows(apply(models, f))
    assert db.run("scatter_point_counts", f.params())[column][0] == want.height
    everything = db.run(name, f.params() | {"limit": 20_000})
    assert everything.height == want.height
    limit = 1  # the fixture has 2 models with a training-compute figure
    sample = db.run(name, f.params() | {"limit": limit})
    assert sample.height == min(limit, want.height)
    assert set(sample["model_id"]) <= set(want["model_id"])
    assert sample["release_date"].is_sorted()
    assert sample.equals(db.run(name, f.params() | {"limit": limit}))  # the same sample on every run


@pytest.mark.parametrize("f", FILTER_CASES)
def test_explorer_pages_are_slices_of_the_sorted_result_and_the_count_is_of_all(db, models, f):
    everything = db.run("explorer_models", f.params() | ALL_ROWS)
    assert db.run("explorer_count", f.params() | {"search": ""})["models"][0] == apply(models, f).height
    newest_first = everything.sort(["release_date", "organization", "model_id"], descending=[True, False, False])
    assert everything["model_id"].to_list() == newest_first["model_id"].to_list()
    page2 = db.run("explorer_models", f.params() | ALL_ROWS | {"limit": 2, "offset": 2})
    assert page2["model_id"].to_list() == everything["model_id"].to_list()[2:4]


def period_starts(m: pl.DataFrame, period: str) -> pl.DataFrame:
    return m.with_columns(pl.col("release_date").dt.truncate(
        {"month": "1mo", "quarter": "3mo", "year": "1y"}[period]).alias("period_start"))


@pytest.mark.parametrize("f", FILTER_CASES)
@pytest.mark.parametrize("period", ["month", "quarter", "year"])
def test_releases_by_organization_period_names_the_top_n_and_groups_the_rest(db, models, f, period):
    got = db.run("releases_by_organization_period", f.params() | {"period": period, "top_n": 3})
    m = period_starts(apply(models, f), period)
    ranks = m.group_by("organization").len().sort(["len", "organization"], descending=[True, False])
    named = m["organization"].unique().to_list() if f.orgs else ranks["organization"].head(3).to_list()
    m = m.with_columns(
        pl.when(pl.col("organization").is_in(named)).then(pl.col("organization")).otherwise(pl.lit("Other"))
        .alias("organization_group"),
        pl.when(pl.col("organization").is_in(named)).then(pl.col("country")).alias("country"))
    counts = m.group_by("period_start", "organization_group", "country").len("releases")
    nonzero = got.filter(pl.col("releases") > 0)
    assert_frame_equal(nonzero, counts.cast({"releases": pl.Int64}).select(got.columns), check_row_order=False)
    if not got.is_empty():  # every period from the first to the last, for every group
        groups = counts["organization_group"].n_unique()
        assert got.height == groups * got["period_start"].n_unique()
        assert got.group_by("period_start").len()["len"].unique().to_list() == [groups]
        first_period = got["organization_group"].to_list()[:groups]
        assert "Other" not in first_period[:-1]  # Other comes last in each period


def test_releases_by_organization_period_with_chosen_organizations_names_each(db, models):
    f = Filters(orgs=("Meta", "DeepSeek", "OpenAI", "Alibaba"))
    got = db.run("releases_by_organization_period", f.params() | {"period": "year", "top_n": 3})
    assert sorted(got["organization_group"].unique()) == ["Alibaba", "DeepSeek", "Meta", "OpenAI"]
    assert dict(got.select("organization_group", "country").unique().iter_rows()) == {
        "Alibaba": "CN", "DeepSeek": "CN", "Meta": "US", "OpenAI": "US"}


@pytest.mark.parametrize("f", FILTER_CASES)
def test_releases_by_organization_lists_each_with_its_count_and_first_and_latest_day(db, models, f):
    got = db.run("releases_by_organization", f.params())
    want = (apply(models, f).group_by("organization", "country")
            .agg(pl.len().cast(pl.Int64).alias("releases"), pl.col("release_date").min().alias("first_release"),
                 pl.col("release_date").max().alias("latest_release"))
            .sort(["releases", "organization"], descending=[True, False]))
    assert_frame_equal(got, want)


SIZE_THRESHOLDS = [("total", 10), ("total", 100), ("total", 300), ("total", 1000), ("active", 10), ("active", 30)]
BLOC_PREFIX = {"us": pl.col("country") == "US", "cn": pl.col("country") == "CN",
               "row": ~pl.col("country").is_in(["US", "CN"])}


@pytest.mark.parametrize("f", FILTER_CASES + [Filters(pmin=500.0, pmax=700.0)])
def test_size_leads_are_each_blocs_first_release_at_or_above_each_size(db, models, f):
    got = db.run("size_leads", f.params())
    assert got.select("metric", "threshold_b").rows() == [(m, float(t)) for m, t in SIZE_THRESHOLDS]
    from dataclasses import replace
    m = apply(models, replace(f, pmin=None, pmax=None))  # the parameter range does not apply here
    for row, (metric, threshold) in zip(got.iter_rows(named=True), SIZE_THRESHOLDS):
        big = m.filter(pl.col(f"params_{metric}_b") >= threshold).sort("release_date", "model_id")
        firsts = {}
        for prefix, bloc in BLOC_PREFIX.items():
            first = big.filter(bloc).head(1)
            firsts[prefix] = first.row(0, named=True) if first.height else None
            assert row[f"{prefix}_model"] == (first["name"][0] if first.height else None)
            assert row[f"{prefix}_organization"] == (first["organization"][0] if first.height else None)
            assert row[f"{prefix}_date"] == (first["release_date"][0] if first.height else None)
        us, cn = firsts["us"], firsts["cn"]
        if us and cn:
            days = (cn["release_date"] - us["release_date"]).days
            assert row["leader"] == ("United States" if days > 0 else "China" if days < 0 else "same day")
            assert row["lead_months"] == round(abs(days) / (365.25 / 12), 1)
        else:
            assert row["leader"] == ("United States" if us else "China" if cn else None)
            assert row["lead_months"] is None


def test_size_leads_by_hand_for_100b_and_1t_total(db):
    """Read off tests/fixture_data.py: at 100B total, DeepSeek-V2 (236B, 2024-05-06) came 78 days before
    Llama 3.1 405B (2024-07-23), and nobody else reached it; at 1T only Kimi K2 (2025-07-11)."""
    leads = db.run("size_leads", NO_FILTER.params())
    rows = {(r["metric"], r["threshold_b"]): r for r in leads.iter_rows(named=True)}
    at_100 = rows[("total", 100.0)]
    assert (at_100["us_model"], at_100["us_organization"], at_100["us_date"]) == (
        "LLAMA-3.1-405B", "Meta", date(2024, 7, 23))
    assert (at_100["cn_model"], at_100["cn_organization"], at_100["cn_date"]) == (
        "DEEPSEEK-V2", "DeepSeek", date(2024, 5, 6))
    assert at_100["row_model"] is None and (at_100["leader"], at_100["lead_months"]) == ("China", 2.6)
    at_1t = rows[("total", 1000.0)]
    assert (at_1t["cn_model"], at_1t["cn_date"], at_1t["us_model"], at_1t["leader"], at_1t["lead_months"]) == (
        "KIMI-K2", date(2025, 7, 11), None, "China", None)


def test_size_leads_on_the_shipped_data_for_100b_and_300b_total(tmp_path):
    """Checked by hand against data/models.csv (2026-12-03): at 100B total, Meta's OPT-175B (2022-05-02) came
    94 days before Tsinghua's GLM-130B (2022-08-04); at 300B, xAI's Grok-1 (2024-03-17) came 233 days before
    Tencent's Hunyuan-Large (2024-11-05). Here recomputed with Polars from the CSV, so a data fix updates it."""
    import shutil

    from openmodels.build import build
    from openmodels.contract import DATA_DIR
    from openmodels.queries import Database

    for name in ("models.csv", "events.csv"):
        shutil.copy(DATA_DIR / name, tmp_path / name)
    build(tmp_path)
    real = Database(tmp_path / "openmodels.duckdb")
    try:
        leads = real.run("size_leads", NO_FILTER.params())
        rows = {(r["metric"], r["threshold_b"]): r for r in leads.iter_rows(named=True)}
    finally:
        real.close()
    models = pl.read_csv(DATA_DIR / "models.csv", infer_schema=False).with_columns(
        pl.col("release_date").str.to_date(), pl.col("params_total_b").cast(pl.Float64))
    for threshold in (100, 300):
        row = rows[("total", float(threshold))]
        big = models.filter(pl.col("params_total_b") >= threshold).sort("release_date", "model_id")
        us = big.filter(pl.col("country") == "US").row(0, named=True)
        cn = big.filter(pl.col("country") == "CN").row(0, named=True)
        assert (row["us_model"], row["us_organization"], row["us_date"]) == (us["name"], us["organization"],
                                                                             us["release_date"])
        assert (row["cn_model"], row["cn_organization"], row["cn_date"]) == (cn["name"], cn["organization"],
                                                                             cn["release_date"])
        days = (cn["release_date"] - us["release_date"]).days
        assert row["leader"] == ("United States" if days > 0 else "China")
        assert row["lead_months"] == round(abs(days) / 30.4375, 1)
def _marker_groups(events: pl.DataFrame) -> dict:
    """(date, category) -> (number of events, any key, the key event's label), computed with Polars."""
    out = {}
    for (day, cat), part in events.group_by("date", "category"):
        keyed = part.filter(pl.col("key") == "true").sort("event_id")
        out[(date.fromisoformat(day), cat)] = (part.height, not keyed.is_empty(),
                                              keyed["label"][0] if not keyed.is_empty() else None)
    return out


def test_event_markers_are_one_per_day_and_category(db, fixture_dir):
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False)
    got = db.run("event_markers", {"categories": [], "event_countries": [], "date_from": None, "date_to": None})
    assert {(r["date"], r["category"]): (r["events"], r["key"], r["label"]) for r in got.iter_rows(named=True)} == \
        _marker_groups(events)
    assert got.height == got.select("date", "category").n_unique()
    titles = dict(zip(events["event_id"], events["title"]))
    for r in got.filter(pl.col("events") == 1).iter_rows(named=True):
        assert r["title"] in titles.values()
    narrowed = db.run("event_markers", {"categories": ["release"], "event_countries": ["US"],
                                        "date_from": date(2024, 1, 1), "date_to": None})
    want = events.filter((pl.col("category") == "release") & (pl.col("country") == "US")
                         & (pl.col("date") >= "2024-01-01"))
    assert not want.is_empty()
    assert set(zip(narrowed["date"], narrowed["category"])) == set(_marker_groups(want))


def test_event_markers_stay_as_many_when_the_events_are_copied(tmp_path, fixture_dir, db):
    """At N times the events (bench/generate.py: each copy on its real day), the markers are the same days with
    N times the count, the key event's title first and how many more there are: the chart draws as much."""
    import shutil
    import sys

    sys.path.insert(0, str(ROOT / "bench"))
    from generate import generate

    from openmodels.build import build

    source, out = tmp_path / "source", tmp_path / "x3"
    source.mkdir()
    for name in ("models.csv", "events.csv"):
        shutil.copy(fixture_dir / name, source / name)
    shutil.copy(ROOT / "data" / "datapackage.json", source / "datapackage.json")  # the contract the fixture follows
    generate(out, 3, source=source)
    copied = Database(build(out).path)
    try:
        params = {"categories": [], "event_countries": [], "date_from": None, "date_to": None}
        one, three = db.run("event_markers", params), copied.run("event_markers", params)
    finally:
        copied.close()
    same = ["date", "category", "actor", "key", "label"]
    assert three.select(same).equals(one.select(same))
    assert three["events"].to_list() == [3 * n for n in one["events"]]
    for a, b, n in zip(one["title"], three["title"], one["events"]):
        base = a.split(" (+")[0] if n > 1 else a
        assert b == f"{base} (+{3 * n - 1} more)"


def test_event_choices_list_each_day_and_title_once(db, fixture_dir):
    events = pl.read_csv(fixture_dir / "events.csv", infer_schema=False).with_columns(pl.col("date").str.to_date())
    got = db.run("event_choices", {})
    want = events.group_by("date", "title").agg(pl.col("event_id").min()).sort("date", "event_id")
    assert got.select("event_id", "date", "title").equals(want.select("event_id", "date", "title"))

"""The shipped dataset follows its contract, and the report describes it."""

import csv

from openmodels.contract import DATA_DIR
from openmodels.report import report
from openmodels.validate import validate_dataset


def test_shipped_data_validates():
    assert [str(v) for v in validate_dataset(DATA_DIR)] == []


def test_report_counts_and_gaps():
    text = report(DATA_DIR)
    assert text.startswith("# Dataset report:")
    for section in ("Releases by country × year", "By organization", "By modality", "Rows missing optional facts"):
        assert section in text
    unlicensed = [r["model_id"] for r in csv.DictReader(open(DATA_DIR / "models.csv", encoding="utf-8"))
                  if not r["license"]]
    line = next(x for x in text.splitlines() if x.startswith("- license (not confirmed"))
    assert line.startswith(f"- license (not confirmed in a primary source) ({len(unlicensed)}): ")
    assert sorted(line.split("): ", 1)[1].split(", ")) == sorted(unlicensed or ["none"])


def test_csv_export_guards_formula_cells():
    import polars as pl

    from openmodels.ui.downloads import csv_bytes

    frame = pl.DataFrame({"name": ["=1+1", "-x", "ok"], "params": [119.0, 6.5, None]})
    assert csv_bytes(frame).decode().splitlines() == ["name,params", "'=1+1,119", "'-x,6.5", "ok,"]


def test_coverage_targets_compare_with_the_data_as_of_date():
    from datetime import date, timedelta

    import polars as pl

    from openmodels.contract import contract
    from openmodels.report import coverage

    as_of = date.fromisoformat(contract().data_as_of)
    models = pl.DataFrame({"organization": ["A", "B", "B"], "country": ["US", "CN", "CN"],
                           "release_date": [as_of - timedelta(days=90), as_of - timedelta(days=61),
                                            as_of - timedelta(days=400)]})
    rows = {r["measure"]: r for r in coverage(models, n_events=120).iter_rows(named=True)}
    assert (rows["models"]["value"], rows["models"]["met"]) == (3, "NO")
    assert (rows["organizations"]["value"], rows["countries"]["value"]) == (2, 2)
    assert (rows["events"]["value"], rows["events"]["met"]) == (120, "yes")
    assert (rows["days since newest release"]["value"], rows["days since newest release"]["met"]) == (61, "NO")
    newer = models.with_columns(pl.lit(as_of - timedelta(days=60)).alias("release_date"))
    fresh = {r["measure"]: r for r in coverage(newer, n_events=0).iter_rows(named=True)}
    assert fresh["days since newest release"]["met"] == "yes"


def test_about_a_dozen_events_are_key_and_they_span_the_story():
    events = list(csv.DictReader(open(DATA_DIR / "events.csv", encoding="utf-8")))
    key = {e["event_id"]: e for e in events if e["key"] == "true"}
    assert 10 <= len(key) <= 14
    assert {"deepseek-r1-release", "openai-gpt-oss-release", "us-ai-action-plan"} <= set(key)
    assert {e["category"] for e in key.values()} >= {"release", "export-control", "policy", "corporate-strategy"}
    assert all(e["label"] for e in key.values()) and not any(e["label"] for e in events if e["key"] == "false")

"""python -m openmodels report: counts by country × year, organization and modality; rows missing facts."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import polars as pl

from openmodels.contract import DATA_DIR, ROOT, contract

RECALL_PATH = ROOT / "research" / "recall.md"


def read_models(data_dir: Path = DATA_DIR) -> pl.DataFrame:
    table = contract().table("models")
    return pl.read_csv(Path(data_dir) / table.path, infer_schema=False).with_columns(
        pl.col("release_date").str.to_date(),
        pl.col("params_total_b", "params_active_b").cast(pl.Float64),
    )


def _table(df: pl.DataFrame) -> str:
    with pl.Config(tbl_rows=-1, tbl_cols=-1, tbl_width_chars=200, tbl_hide_dataframe_shape=True,
                   tbl_formatting="ASCII_MARKDOWN", tbl_hide_column_data_types=True):
        return str(df)


# The dataset's size goals (dataset 1.0), checked on every report:
# measure -> (goal, True when the value must stay at or below it).
TARGETS = {"models": (1200, False), "organizations": (100, False), "countries": (15, False), "events": (100, False),
           "days since newest release": (60, True)}


def coverage(m: pl.DataFrame, n_events: int) -> pl.DataFrame:
    """Each size goal with the dataset's value; days are counted to the contract's data-as-of date."""
    as_of = date.fromisoformat(contract().data_as_of)
    values = {"models": m.height, "organizations": m["organization"].n_unique(),
              "countries": m["country"].n_unique(), "events": n_events,
              "days since newest release": (as_of - m["release_date"].max()).days}
    rows = []
    for measure, (goal, at_most) in TARGETS.items():
        met = values[measure] <= goal if at_most else values[measure] >= goal
        rows.append((measure, values[measure], f"{'<=' if at_most else '>='} {goal}", "yes" if met else "NO"))
    return pl.DataFrame(rows, schema=["measure", "value", "goal", "met"], orient="row")


def report(data_dir: Path = DATA_DIR) -> str:
    m = read_models(data_dir)
    events = pl.read_csv(Path(data_dir) / contract().table("events").path, infer_schema=False)
    out = [f"# Dataset report: {m.height} models from {m['organization'].n_unique()} organizations in "
           f"{m['country'].n_unique()} countries; {events.height} events; newest release {m['release_date'].max()}"]

    out += ["\n## Coverage targets", _table(coverage(m, events.height))]

    grades = contract().table("models").field("evidence").constraints["enum"]
    by_grade = (pl.DataFrame({"evidence": grades}).join(
        m.group_by("evidence").agg(pl.len().alias("models"),
                                   (pl.col("date_precision") == "month").sum().alias("month precision")),
        on="evidence", how="left").fill_null(0)
        .with_columns((100 * pl.col("models") / m.height).round(1).alias("share %")))
    out += ["\n## Rows by evidence grade", _table(by_grade)]
    grade_year = (m.with_columns(pl.col("release_date").dt.year().alias("year"))
                  .pivot(on="evidence", index="year", values="model_id", aggregate_function="len").fill_null(0)
                  .sort("year"))
    out += ["\n## Evidence grade by release year", _table(grade_year)]
    if RECALL_PATH.exists():
        out += ["\n## Recall against Epoch AI (from research/recall.md; rerun research/recall.py to refresh)",
                RECALL_PATH.read_text(encoding="utf-8").split("\n", 2)[-1].strip()]

    by_year = (m.with_columns(pl.col("release_date").dt.year().alias("year"))
               .pivot(on="year", index="country", values="model_id", aggregate_function="len", sort_columns=True)
               .fill_null(0))
    years = [c for c in by_year.columns if c != "country"]
    by_year = by_year.with_columns(pl.sum_horizontal(years).alias("total")).sort("total", descending=True)
    out += ["\n## Releases by country × year", _table(by_year)]

    orgs = (m.group_by("organization", "country").agg(pl.len().alias("models"),
                                                      pl.col("release_date").min().alias("first"),
                                                      pl.col("release_date").max().alias("latest"))
            .sort(["models", "organization"], descending=[True, False]))
    out += ["\n## By organization", _table(orgs)]
    out += ["\n## By modality", _table(m.group_by("modality").len("models").sort("models", descending=True))]
    out += ["\n## By accessibility", _table(m.group_by("accessibility").len("models").sort("models", descending=True))]

    missing = {
        "license (not confirmed in a primary source)": m.filter(pl.col("license").is_null()),
        "total parameters": m.filter(pl.col("params_total_b").is_null()),
        "active parameters (MoE)": m.filter((pl.col("architecture") == "moe") & pl.col("params_active_b").is_null()),
        "context length": m.filter(pl.col("context_tokens").is_null() & (pl.col("modality") == "text")),
        "expert counts (MoE)": m.filter((pl.col("architecture") == "moe")
                                        & (pl.col("experts_total").is_null() | pl.col("experts_active").is_null())),
    }
    out.append("\n## Rows missing optional facts")
    for what, rows in missing.items():
        ids = ", ".join(rows["model_id"].to_list()) or "none"
        out.append(f"- {what} ({rows.height}): {ids}")
    return "\n".join(out)

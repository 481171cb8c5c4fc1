"""How values read to people on screen and in downloads, as pure functions: a country is its name with its
code ('China (CN)'), an organization in the filter carries its number of releases ('DeepSeek (49)').
Codes and plain names stay the values everywhere else (filters, queries, links' meaning, file names)."""

from __future__ import annotations

import re

import polars as pl

from openmodels.countries import country_label, country_name

COUNT_SUFFIX = re.compile(r"^(?P<name>.*) \((?P<count>\d+)\)$")


def org_label(name: str, releases: int) -> str:
    return f"{name} ({releases})"


def org_from_link(text: str, names: set[str]) -> str | None:
    """The organization a link value means: its name, or its name with any count ('DeepSeek (3)': counts
    change with the filters and the data, the name does not)."""
    if text in names:
        return text
    counted = COUNT_SUFFIX.match(text)
    if counted and counted["name"] in names:
        return counted["name"]
    return None


# Column headers of model rows on screen (downloads keep the models.csv names).
MODEL_COLUMN_LABELS = {
    "model_id": "Model id", "name": "Name", "family": "Family", "organization": "Organization",
    "country": "Country", "date_precision": "Date known to", "architecture": "Architecture",
    "experts_total": "Experts", "experts_active": "Active experts", "modality": "Modality",
    "reasoning": "Reasoning", "context_tokens": "Context (tokens)", "license": "Licence",
    "accessibility": "Accessibility", "openness": "Openness", "evidence": "Evidence", "notes": "Notes",
}

COUNTRY_LINK_KEYS = {"country", "ev_country"}
ORG_LINK_KEYS = {"org"}


def short_link_value(key: str, value: str) -> str:
    """A link value in its shortest form, which the page reads the same: 'China (CN)' -> 'CN', 'DeepSeek (49)' ->
    'DeepSeek' (the widgets write their labels into the browser's address; a cited link needs no counts)."""
    from openmodels.countries import country_code
    if key in COUNTRY_LINK_KEYS:
        return country_code(value) or value
    if key in ORG_LINK_KEYS:
        counted = COUNT_SUFFIX.match(value)
        return counted["name"] if counted else value
    return value


def with_country_labels(frame: pl.DataFrame) -> pl.DataFrame:
    """For a table on screen: the `country` column reads 'China (CN)' instead of 'CN'."""
    if "country" not in frame.columns or frame.schema["country"] != pl.String:
        return frame
    return frame.with_columns(_mapped(frame, "country", country_label))


def with_country_names(frame: pl.DataFrame) -> pl.DataFrame:
    """For a download: the `country` code column as it is (scripts rely on it) and, right after it, a
    readable `country_name` ('China'). A frame without a country column, or that already has names, is
    returned as it is."""
    if "country" not in frame.columns or "country_name" in frame.columns or frame.schema["country"] != pl.String:
        return frame
    at = frame.columns.index("country") + 1
    order = [*frame.columns[:at], "country_name", *frame.columns[at:]]
    return frame.with_columns(_mapped(frame, "country", country_name).alias("country_name")).select(order)


def _mapped(frame: pl.DataFrame, col: str, fn) -> pl.Expr:
    """`fn` applied once per distinct value of `col` (a few countries for thousands of rows)."""
    values = frame[col].unique().drop_nulls().to_list()
    return pl.col(col).replace_strict({v: fn(v) for v in values}, default=None, return_dtype=pl.String)

"""The data dictionary of a downloaded frame: every column's type and meaning. Columns of data/models.csv and
data/events.csv are described by the contract; the columns the queries derive are described here."""

from __future__ import annotations

import polars as pl

from openmodels.contract import Contract

DERIVED = {
    "period_start": "First day of the period (month, quarter or year) the row counts.",
    "country_name": "The country's name (the `country` column holds its ISO 3166-1 alpha-2 code).",
    "organization_group": "Publisher, or 'Other' for the organizations outside the top N.",
    "first_release": "Release date of the organization's first model under the filters.",
    "latest_release": "Release date of the organization's latest model under the filters.",
    "metric": "Which parameter count the size threshold applies to: total or active.",
    "threshold_b": "The size threshold, in billions of parameters: the row is about the first release at or above it.",
    "us_model": "Name of the first United States release at or above the size.",
    "us_organization": "Organization of the first United States release at or above the size.",
    "us_date": "Release date of the first United States release at or above the size.",
    "cn_model": "Name of the first Chinese release at or above the size.",
    "cn_organization": "Organization of the first Chinese release at or above the size.",
    "cn_date": "Release date of the first Chinese release at or above the size.",
    "row_model": "Name of the first release from the rest of the world at or above the size.",
    "row_organization": "Organization of the first release from the rest of the world at or above the size.",
    "row_date": "Release date of the first release from the rest of the world at or above the size.",
    "leader": "Which of the United States and China reached the size first (blank if neither has).",
    "lead_months": "Months (of 30.44 days) between the US and Chinese firsts; blank if only one reached the size.",
    "country_group": "Publisher's country (ISO 3166-1 alpha-2), or 'Other' for the countries outside the top N.",
    "releases": "Open-weight releases counted (model checkpoints, or family launches where the page says so).",
    "cumulative_releases": "Releases from the first period up to and including this one.",
    "share_pct": "This group's share of the period's (or country's) releases, in percent.",
    "moe_releases": "Releases with a Mixture-of-Experts architecture.",
    "moe_share_pct": "Mixture-of-Experts releases as a percentage of all releases.",
    "active_pct": "Active parameters as a percentage of total parameters (MoE models).",
    "previous_max": "The country's largest value before this release (the record it broke; blank for the first).",
    "params_b": "Parameters in billions (total or active, as the page's metric says).",
    "first_moe_date": "Release date of the organization's first Mixture-of-Experts model.",
    "first_moe_model": "Name of the organization's first Mixture-of-Experts model.",
    "organizations": "Organizations that released under this license.",
    "event_window": "Whether the releases fall before or after the event.",
    "event_date": "Date of the event.",
    "bloc": "United States, China, or Rest of world.",
    "window_name": "last_12_months (to the data-as-of date) or prior_12_months (the 12 months before).",
    "largest_name": "Name of the largest model (by total parameters) released in the window.",
    "largest_params_b": "Total parameters, in billions, of the largest model released in the window.",
    "licensed_releases": "Releases whose accessibility class is known.",
    "unrestricted_releases": "Releases under an unrestricted licence.",
    "unrestricted_share_pct": "Unrestricted releases as a percentage of releases whose class is known.",
    "model_name": "Name of the model an event is about, when it is one.",
    "site": "Source site (the domain of a source_url).",
    "file": "The data file the rows come from.",
    "model_rows": "Rows of models.csv citing this site.",
    "event_rows": "Rows of events.csv citing this site.",
    "year": "Calendar year of release.",
    "primary_rows": "Rows graded primary.",
    "reference_rows": "Rows graded reference.",
    "reported_rows": "Rows graded reported.",
    "month_only_dates": "Rows whose release date is known only to the month.",
    "size_not_disclosed": "Rows without a disclosed parameter count.",
    "unconfirmed_licences": "Rows whose licence could not be confirmed from a primary source.",
    "with_training_compute": "Rows with a training-compute figure.",
    "models": "Models counted.",
    "grade": "Evidence grade.",
    "cross_checked": "Whether that year's releases were cross-checked against a complete reference list.",
}
TYPES = [(pl.Boolean, "boolean"), (pl.Date, "date"), (pl.Datetime, "datetime"), (pl.String, "string")]


def table_type(dtype: pl.DataType) -> str:
    """A Polars type as a Table Schema type (the contract's vocabulary)."""
    if dtype.is_integer():
        return "integer"
    if dtype.is_float() or dtype.is_decimal():
        return "number"
    return next((name for t, name in TYPES if dtype == t or dtype.base_type() == t), str(dtype).lower())


def describe(frame: pl.DataFrame, c: Contract, derived: dict[str, str] = DERIVED) -> list[dict]:
    """One row per column: column, type, description. A column is looked up in the contract table that shares
    the most columns with the frame, then in the other tables, then among the derived columns; an unknown one
    says so rather than guess."""
    tables = sorted(c.tables, key=lambda t: -len(set(t.columns) & set(frame.columns)))
    rows = []
    for name, dtype in frame.schema.items():
        field = next((t.field(name) for t in tables if name in t.columns and name not in derived), None)
        if field is not None:
            rows.append({"column": name, "type": field.type, "description": field.description})
        else:
            rows.append({"column": name, "type": table_type(dtype),
                         "description": derived.get(name, "Not described.")})
    return rows

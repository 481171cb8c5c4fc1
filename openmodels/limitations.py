"""About's Limitations: coverage by period, grades of evidence, what the counts cannot tell. Text is data here."""

from __future__ import annotations

from datetime import date

import polars as pl

INTRO = """
Read every chart with these limits in mind. The table gives, for each release year, how many rows the data
hold and how well they are supported; the last column says whether that year was cross-checked against a
complete reference list (Epoch AI's *Data on AI Models*).
"""

COLUMN_LABELS = {
    "year": "Year", "releases": "Releases", "primary_rows": "Primary", "reference_rows": "Reference",
    "reported_rows": "Reported", "month_only_dates": "Date known to the month",
    "unconfirmed_licences": "Licence unconfirmed", "size_not_disclosed": "Size not disclosed",
    "with_training_compute": "With training compute", "cross_checked": "Cross-checked",
}

CANNOT_TELL = """
**What the counts cannot tell**
- **Recent months undercount.** Releases up to {checked} were cross-checked against a complete list; later
  ones rest on the labs' own pages and reports and are still being filled in. A fall after that day is not
  evidence of a decline.
- **The current period is incomplete.** The data stop on {as_of}: the month, quarter and year holding that day
  are drawn lighter and hatched, and say *to date*.
- **A count is not an impact.** One release is one checkpoint size of one model (or one family launch); a
  1B model and a 1T model count the same. Downloads, use, quality and cost are not in the data.
- **Country is the publisher's headquarters**, not where the authors, the compute or the users are.
- **Sizes and compute are as disclosed.** Undisclosed sizes are blank and left out of size charts; training
  compute is known for a minority of rows, mostly from Epoch AI's estimates.
- **Evidence grades.** Rows graded *reference* carry facts from curated datasets that were not re-read here;
  *reported* rows rest on two or more independent reports. The Evidence filter narrows any chart to the grades
  you trust.
- **One definition of a licence share.** {unrestricted}
"""


def cross_checked(year: int, checked_to: str) -> str:
    """'yes' when the whole year is on or before the cross-check date, 'partly' when it starts before, else 'no'."""
    last = date.fromisoformat(checked_to)
    if date(year, 12, 31) <= last:
        return "yes"
    return "partly" if date(year, 1, 1) <= last else "no"


def coverage_by_year(counts: pl.DataFrame, checked_to: str) -> pl.DataFrame:
    """The per-year counts with whether each year was cross-checked against a complete list."""
    return counts.with_columns(
        pl.col("year").map_elements(lambda y: cross_checked(y, checked_to), return_dtype=pl.String)
        .alias("cross_checked"))

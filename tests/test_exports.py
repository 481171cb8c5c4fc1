"""The pure parts of the exports: the data dictionary of a frame, the citation, the view's zip."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timezone

import polars as pl

from openmodels import bundle, citation, dictionary
from openmodels.contract import contract


def test_a_column_is_described_by_the_table_the_frame_comes_from_then_by_the_derived_list():
    c = contract()
    events = pl.DataFrame({"event_id": ["a"], "date": [date(2025, 1, 1)], "title": ["t"], "country": ["US"]})
    rows = {r["column"]: r for r in dictionary.describe(events, c)}
    assert rows["country"]["description"] == c.table("events").field("country").description
    models = pl.DataFrame({"model_id": ["m"], "country": ["US"], "releases": [3], "mystery": [1.5]})
    rows = {r["column"]: r for r in dictionary.describe(models, c)}
    assert rows["country"]["description"] == c.table("models").field("country").description
    assert rows["releases"] == {"column": "releases", "type": "integer", "description": dictionary.DERIVED["releases"]}
    assert rows["mystery"] == {"column": "mystery", "type": "number", "description": "Not described."}


def test_the_citation_names_version_date_licence_and_home_and_a_view_adds_its_link():
    c = contract()
    home = c.descriptor["homepage"]
    text = citation.plain(c, "1.1.0", date(2026, 12, 2))
    assert text == (f"Open Model Geopolitics (version 1.1.0, data as of 2026-12-02). {citation.SUBJECT}. Dataset and "
                    f"dashboard, CC-BY-4.0. {home}")
    assert citation.plain(c, "1.1.0", date(2026, 12, 2), "https://x/releases?period=year").endswith(
        f"{home}. View: https://x/releases?period=year")
    bib = citation.bibtex(c, "1.1.0", date(2026, 12, 2), "https://x/releases?period=year")
    assert "version = {1.1.0}" in bib and "year = {2026}" in bib and f"url = {{{home}}}" in bib
    assert "note = {Data as of 2026-12-02, CC-BY-4.0. View: \\url{https://x/releases?period=year}}" in bib


def test_the_zip_of_a_view_holds_its_files_as_given_and_says_where_they_come_from():
    frame = pl.DataFrame({"period_start": [date(2025, 1, 1)], "country_group": ["CN"], "releases": [4]})
    data = b"period_start,country_group,releases\n2025-01-01,CN,4\n"
    meta = {"dataset_version": "1.1.0", "data_as_of": date(2026, 12, 2), "models_csv_sha256": "a" * 64,
            "events_csv_sha256": "b" * 64, "built_at": datetime(2026, 12, 3, tzinfo=timezone.utc)}
    z = zipfile.ZipFile(io.BytesIO(bundle.build({"releases_by_year_CN.csv": (frame, data)}, contract(), meta,
                                                "https://x/releases?country=CN")))
    assert z.read("releases_by_year_CN.csv") == data
    view = json.loads(z.read("view.json"))
    assert view["url"] == "https://x/releases?country=CN" and view["data_as_of"] == "2026-12-02"
    assert view["dataset_sha256"] == {"models.csv": "a" * 64, "events.csv": "b" * 64}
    assert pl.read_csv(z.open("data_dictionary.csv"))["column"].to_list() == frame.columns
    assert "https://x/releases?country=CN" in z.read("README.txt").decode()

"""A view's export bundle: one zip with the CSV of every result the view shows, their data dictionary, the
view's URL, the dataset's version and checksums, and how to cite it (plain text and BibTeX). Pure: no Streamlit."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import date

import polars as pl

from openmodels import citation, dictionary
from openmodels.contract import Contract

README = """{title}: one view of the dataset, exported.

View: {url}
Dataset version {version}, data as of {as_of}, licence {licence}.

Files:
{files}
- data_dictionary.csv: every column of those files, its type and meaning.
- view.json: the view's URL, the dataset version, data-as-of date, licence and checksums (sha256) of the
  dataset's CSVs and of each file here.
- citation.txt, citation.bib: how to cite this view.
"""


def build(csvs: dict[str, tuple[pl.DataFrame, bytes]], c: Contract, meta: dict, url: str) -> bytes:
    """The zip. `csvs`: file name -> (the frame, its CSV bytes); `meta`: the dataset_meta row."""
    version, as_of = meta["dataset_version"], meta["data_as_of"]
    rows = [{"file": name, **row} for name, (frame, _) in csvs.items() for row in dictionary.describe(frame, c)]
    text = io.StringIO()
    writer = csv.DictWriter(text, ["file", "column", "type", "description"], lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    view = {
        "url": url, "dataset": c.title, "version": version, "data_as_of": _iso(as_of),
        "licence": citation.licence(c), "homepage": c.descriptor["homepage"],
        "built_at": _iso(meta.get("built_at")),
        "dataset_sha256": {"models.csv": meta["models_csv_sha256"], "events.csv": meta["events_csv_sha256"]},
        "files_sha256": {name: hashlib.sha256(data).hexdigest() for name, (_, data) in csvs.items()},
    }
    readme = README.format(title=c.title, url=url, version=version, as_of=as_of, licence=citation.licence(c),
                           files="\n".join(f"- {name}: a result the view shows, as CSV." for name in csvs))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (_, data) in csvs.items():
            z.writestr(name, data)
        z.writestr("data_dictionary.csv", text.getvalue())
        z.writestr("view.json", json.dumps(view, indent=2) + "\n")
        z.writestr("citation.txt", citation.plain(c, version, as_of, url) + "\n")
        z.writestr("citation.bib", citation.bibtex(c, version, as_of, url) + "\n")
        z.writestr("README.txt", readme)
    return buf.getvalue()


def _iso(value) -> str | None:
    return value.isoformat() if isinstance(value, date) else (None if value is None else str(value))

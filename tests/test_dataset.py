"""The shipped dataset follows its contract, and the report describes it."""

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


def test_csv_export_guards_formula_cells():
    import polars as pl

    from pages.common import csv_bytes

    frame = pl.DataFrame({"name": ["=1+1", "-x", "ok"], "params": [119.0, 6.5, None]})
    assert csv_bytes(frame).decode().splitlines() == ["name,params", "'=1+1,119", "'-x,6.5", "ok,"]

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest

from fixture_data import write_dataset
from openmodels.build import build
from openmodels.queries import Database

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def fixture_dir(tmp_path_factory) -> Path:
    """The small hand-made dataset, built once into a DuckDB file."""
    folder = write_dataset(tmp_path_factory.mktemp("fixture-data"))
    build(folder)
    return folder


@pytest.fixture(scope="session")
def db(fixture_dir) -> Database:
    database = Database(fixture_dir / "openmodels.duckdb")
    yield database
    database.close()


@pytest.fixture(scope="session")
def models(fixture_dir) -> pl.DataFrame:
    """models.csv read independently of the database, typed with Polars."""
    return pl.read_csv(fixture_dir / "models.csv", infer_schema=False).with_columns(
        pl.col("release_date").str.to_date(),
        pl.col("params_total_b", "params_active_b").cast(pl.Float64),
    )


@pytest.fixture
def data_copy(fixture_dir, tmp_path) -> Path:
    """A private copy of the fixture CSVs (and database) that a test may break."""
    for name in ("models.csv", "events.csv", "openmodels.duckdb"):
        shutil.copy(fixture_dir / name, tmp_path / name)
    return tmp_path

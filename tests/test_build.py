"""The build: atomic, never touches the CSVs, builds once when many visitors arrive together."""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import duckdb
import pytest

from fixture_data import EVENTS, MODELS, write_dataset
from openmodels import build as build_module
from openmodels.build import DB_NAME, InvalidData, build, ensure_database, is_current
from openmodels.contract import contract


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_build_writes_typed_tables_and_leaves_no_temp_files(tmp_path):
    write_dataset(tmp_path)
    csvs = {p.name: sha(p) for p in tmp_path.glob("*.csv")}
    result = build(tmp_path)
    assert result.rows == {"models": len(MODELS), "events": len(EVENTS)}
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([*csvs, DB_NAME])
    assert {p.name: sha(p) for p in tmp_path.glob("*.csv")} == csvs
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        types = dict(con.execute("SELECT column_name, data_type FROM duckdb_columns() WHERE table_name='models'")
                     .fetchall())
    assert types["release_date"] == "DATE" and types["params_total_b"] == "DOUBLE"
    assert types["reasoning"] == "BOOLEAN" and types["experts_total"] == "BIGINT"


def test_failed_write_keeps_the_old_database(tmp_path, monkeypatch):
    write_dataset(tmp_path)
    build(tmp_path)
    before = sha(tmp_path / DB_NAME)

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(build_module, "_write_database", explode)
    (tmp_path / "events.csv").write_text((tmp_path / "events.csv").read_text() + "")
    with pytest.raises(OSError, match="disk full"):
        build(tmp_path)
    assert sha(tmp_path / DB_NAME) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["events.csv", "models.csv", DB_NAME]


def test_ensure_database_rebuilds_only_when_the_csvs_change(tmp_path):
    write_dataset(tmp_path)
    ensure_database(tmp_path)
    first = sha(tmp_path / DB_NAME)
    ensure_database(tmp_path)
    assert sha(tmp_path / DB_NAME) == first  # unchanged CSVs: no rebuild

    text = (tmp_path / "models.csv").read_text().replace("GPT2-XL", "GPT-2 XL")
    (tmp_path / "models.csv").write_text(text)
    assert not is_current(tmp_path, tmp_path / DB_NAME, contract())
    ensure_database(tmp_path)
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        assert con.execute("SELECT name FROM models WHERE model_id = 'gpt2-xl'").fetchall() == [("GPT-2 XL",)]


def test_many_visitors_at_once_build_once(tmp_path, monkeypatch):
    write_dataset(tmp_path)
    calls = []
    real = build_module._write_database

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(build_module, "_write_database", counting)
    errors, start = [], threading.Barrier(8)

    def visit():
        try:
            start.wait()
            path = ensure_database(tmp_path)
            with duckdb.connect(str(path), read_only=True) as con:
                assert con.execute("SELECT count(*) FROM models").fetchall() == [(len(MODELS),)]
        except Exception as err:  # noqa: BLE001 - collected and asserted below
            errors.append(err)

    threads = [threading.Thread(target=visit) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(calls) == 1


def test_invalid_data_raises_with_every_violation(tmp_path):
    write_dataset(tmp_path)
    text = (tmp_path / "models.csv").read_text().replace(",FR,", ",XX,")
    (tmp_path / "models.csv").write_text(text)
    with pytest.raises(InvalidData) as err:
        build(tmp_path)
    assert [v.line for v in err.value.violations] == [5, 6]
    assert not (tmp_path / DB_NAME).exists()

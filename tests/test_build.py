"""The build: atomic, never touches the CSVs, builds once when many visitors arrive together."""

from __future__ import annotations

import errno
import hashlib
import os
import threading
from pathlib import Path

import duckdb
import pytest

from fixture_data import EVENTS, MODELS, write_dataset
from openmodels import build as build_module
from openmodels.build import DB_NAME, BuildFailed, InvalidData, build, ensure_database, is_current
from openmodels.contract import contract
from openmodels.queries import Database


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
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        keys = dict(con.execute("SELECT event_id, key FROM events").fetchall())
        key_type = con.execute("SELECT data_type FROM duckdb_columns() WHERE table_name='events' AND column_name='key'")
        assert key_type.fetchall() == [("BOOLEAN",)]
    assert keys == {e["event_id"]: e["key"] == "true" for e in EVENTS}


def test_failed_write_keeps_the_old_database(tmp_path, monkeypatch):
    write_dataset(tmp_path)
    build(tmp_path)
    before = sha(tmp_path / DB_NAME)

    def explode(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(build_module, "_write_database", explode)
    (tmp_path / "events.csv").write_text((tmp_path / "events.csv").read_text() + "")
    with pytest.raises(BuildFailed, match="is full"):
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


def served_name(db: Database, model_id: str = "gpt2-xl") -> str:
    return db.run("model_detail", {"model_id": model_id})["name"].item()


def rename(folder: Path, old: str, new: str) -> None:
    """A valid edit to models.csv, as a contributor makes it."""
    csv = folder / "models.csv"
    csv.write_text(csv.read_text().replace(f",{old},", f",{new},"))


def test_each_rebuild_is_served_while_readers_of_older_builds_keep_theirs(tmp_path):
    write_dataset(tmp_path)
    build(tmp_path)  # the database exists before the app opens it, as after `make build`
    readers = [Database(ensure_database(tmp_path))]
    names = ["GPT2-XL", "GPT-2 XL", "GPT-2 XL (1.5B)", "GPT-2 XL 1558M", "GPT-2 XL again"]
    for old, new in zip(names, names[1:]):
        rename(tmp_path, old, new)
        readers.append(Database(ensure_database(tmp_path)))  # while every older reader is still open
        assert served_name(readers[-1]) == new
    assert [served_name(r) for r in readers] == names  # older readers still answer, each from its own build
    kept = sorted(p.name for p in tmp_path.iterdir() if p.name not in ("models.csv", "events.csv", DB_NAME))
    assert kept == sorted(r.path.name for r in readers[-2:])  # the served build and the one before
    for r in readers:
        r.close()


def test_serving_removes_older_generations_and_leftovers_of_interrupted_builds(tmp_path):
    write_dataset(tmp_path)
    build(tmp_path)
    junk = [".openmodels-k2x9q1.duckdb.tmp", ".openmodels-k2x9q1.duckdb.tmp.wal",
            ".openmodels-000001-0123456789ab.duckdb", ".openmodels-000001-0123456789ab.duckdb.wal",
            ".openmodels-000002-0123456789ab.duckdb"]
    for name in junk:
        (tmp_path / name).write_bytes(b"")
    served = ensure_database(tmp_path)
    assert served.name.startswith(".openmodels-000003-") and served.samefile(tmp_path / DB_NAME)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["events.csv", "models.csv", DB_NAME, served.name, ".openmodels-000002-0123456789ab.duckdb"])
    assert ensure_database(tmp_path) == served  # the same build is found again, not linked again


def test_without_hard_links_the_build_is_served_from_a_copy(tmp_path, monkeypatch):
    def no_links(src, dst, **kwargs):
        raise OSError("hard links are not supported here")

    monkeypatch.setattr(os, "link", no_links)
    write_dataset(tmp_path)
    first_path = ensure_database(tmp_path)
    assert not first_path.samefile(tmp_path / DB_NAME) and sha(first_path) == sha(tmp_path / DB_NAME)
    assert ensure_database(tmp_path) == first_path
    first = Database(first_path)
    rename(tmp_path, "GPT2-XL", "GPT-2 XL")
    second = Database(ensure_database(tmp_path))
    assert (served_name(first), served_name(second)) == ("GPT2-XL", "GPT-2 XL")
    assert [p.name for p in tmp_path.iterdir() if ".tmp" in p.name] == []
    first.close()
    second.close()


def test_a_csv_changed_while_the_build_runs_never_reaches_the_database(tmp_path, monkeypatch):
    """The build validates, hashes and loads one read of the bytes: an edit saved after validation (here an
    invalid country) is not loaded, and the next build sees it and refuses it."""
    write_dataset(tmp_path)
    real = build_module.validate_dataset

    def validate_then_edit(*args, **kwargs):
        found = real(*args, **kwargs)
        csv = tmp_path / "models.csv"
        csv.write_text(csv.read_text().replace(",FR,", ",XX,"))
        return found

    monkeypatch.setattr(build_module, "validate_dataset", validate_then_edit)
    build(tmp_path)
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM models WHERE country = 'XX'").fetchall() == [(0,)]
    assert not is_current(tmp_path, tmp_path / DB_NAME, contract())  # the stored hash is of the bytes loaded
    monkeypatch.setattr(build_module, "validate_dataset", real)
    with pytest.raises(InvalidData):
        build(tmp_path)

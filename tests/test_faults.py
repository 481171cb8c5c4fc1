"""Faults outside the data end in a plain page (app) or message (CLI, exit 1), never a traceback: a read-only
data folder, a full disk, a database damaged in place, a missing or broken contract. Where a previous good
database exists, the app keeps serving it under a notice."""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
import tempfile
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

import openmodels.contract as contract_module
from fixture_data import write_dataset
from openmodels import build as build_module
from openmodels.__main__ import main
from openmodels.build import DB_NAME, build
from openmodels.contract import CONTRACT_PATH

ROOT = Path(__file__).resolve().parent.parent


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def entry(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("entry")
    (folder / "pages").symlink_to(ROOT / "pages")
    (folder / "app.py").write_text((ROOT / "app.py").read_text())
    return folder / "app.py"


@pytest.fixture
def run_app(entry, monkeypatch):
    def run(folder: Path) -> AppTest:
        monkeypatch.setenv("OPENMODELS_DATA_DIR", str(folder))
        at = AppTest.from_file(str(entry), default_timeout=60).run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return run


def rename_a_model(folder: Path) -> None:
    csv = folder / "models.csv"
    csv.write_text(csv.read_text().replace(",GPT2-XL,", ",GPT-2 XL,"))


@pytest.fixture
def read_only(monkeypatch):
    """Make a folder refuse writes. As root, permissions do not stop writes, so the calls that write into the
    folder fail with EROFS, as on a read-only mount; otherwise the folder is really made read-only."""
    folders: list[Path] = []

    def make(folder: Path) -> Path:
        folders.append(folder)
        if os.geteuid() != 0:
            folder.chmod(0o555)
        return folder

    def inside(path) -> bool:
        return any(Path(path).resolve().parent == f.resolve() for f in folders)

    def refuse(path):
        raise OSError(errno.EROFS, "Read-only file system", str(path))

    real_mkstemp, real_link, real_copy = tempfile.mkstemp, os.link, shutil.copyfile
    if os.geteuid() == 0:
        monkeypatch.setattr(tempfile, "mkstemp", lambda *a, dir=None, **k: refuse(dir) if dir and any(
            Path(dir).resolve() == f.resolve() for f in folders) else real_mkstemp(*a, dir=dir, **k))
        monkeypatch.setattr(os, "link", lambda src, dst, **k: refuse(dst) if inside(dst) else real_link(src, dst, **k))
        monkeypatch.setattr(shutil, "copyfile", lambda src, dst, **k: refuse(dst) if inside(dst)
                            else real_copy(src, dst, **k))
    yield make
    for f in folders:
        f.chmod(0o755)


def disk_full(monkeypatch):
    def write(*args, **kwargs):
        raise duckdb.IOException('IO Error: Could not write file "data/.openmodels-x.duckdb.tmp": '
                                 "No space left on device")
    monkeypatch.setattr(build_module, "_write_database", write)


# --- a read-only data folder -----------------------------------------------------------------------

def test_cli_build_in_a_read_only_folder_says_so(data_copy, read_only, capsys):
    rename_a_model(data_copy)
    before = sha(data_copy / DB_NAME)
    assert main(["--data-dir", str(read_only(data_copy)), "build"]) == 1
    err = capsys.readouterr().err
    assert "cannot be written (it is read-only for this user)" in err and "Traceback" not in err
    assert "make build" in err and "previous database, if any, is unchanged" in err
    assert sha(data_copy / DB_NAME) == before


def test_app_serves_the_previous_build_when_the_folder_is_read_only(data_copy, read_only, run_app):
    rename_a_model(data_copy)  # the CSVs changed, the folder takes no new database
    at = run_app(read_only(data_copy))
    assert [w.value.split(":")[0] for w in at.warning] == ["Showing the previous build of the data"]
    assert "read-only" in at.warning[0].value
    assert at.title and at.title[0].value != "The database could not be built"
    assert at.metric, "the overview still shows its numbers, from the previous build"


def test_app_serves_a_current_database_from_a_read_only_folder_without_a_notice(data_copy, read_only, run_app):
    at = run_app(read_only(data_copy))  # nothing changed: nothing to write, only the per-build link fails
    assert not at.warning and not at.error and at.metric


def test_app_without_any_database_in_a_read_only_folder_shows_what_to_do(tmp_path, read_only, run_app):
    write_dataset(tmp_path)
    at = run_app(read_only(tmp_path))
    assert [t.value for t in at.title] == ["The database could not be built"]
    assert "read-only" in at.error[0].value and "make build" in at.error[0].value


# --- a full disk -------------------------------------------------------------------------------------

def test_cli_build_on_a_full_disk_says_so(data_copy, monkeypatch, capsys):
    rename_a_model(data_copy)
    before = sha(data_copy / DB_NAME)
    disk_full(monkeypatch)
    assert main(["--data-dir", str(data_copy), "build"]) == 1
    err = capsys.readouterr().err
    assert "is full, so the database could not be written. Free some space" in err
    assert sha(data_copy / DB_NAME) == before
    assert sorted(p.name for p in data_copy.iterdir()) == ["events.csv", "models.csv", DB_NAME]


def test_app_serves_the_previous_build_when_the_disk_is_full(data_copy, monkeypatch, run_app):
    rename_a_model(data_copy)
    disk_full(monkeypatch)
    at = run_app(data_copy)
    assert "is full" in at.warning[0].value and at.metric


def test_app_on_a_full_disk_without_a_database_shows_what_to_do(tmp_path, monkeypatch, run_app):
    write_dataset(tmp_path)
    disk_full(monkeypatch)
    at = run_app(tmp_path)
    assert [t.value for t in at.title] == ["The database could not be built"]
    assert "Free some space" in at.error[0].value


# --- a database damaged in place ---------------------------------------------------------------------

def damage_in_place(db: Path, marker: bytes = b"MISTRAL-7B") -> None:
    """Overwrite bytes inside the block that holds the models' names, keeping the file (and its inode)."""
    data = db.read_bytes()
    at = data.index(marker)
    with open(db, "r+b") as fh:
        fh.seek(at)
        fh.write(b"\x00" * len(marker))


def test_a_database_damaged_in_place_is_found_and_rebuilt(data_copy, run_app):
    damage_in_place(data_copy / DB_NAME)
    assert build_module.stored_hashes(data_copy / DB_NAME) is None  # its file list reads fine; a table does not
    at = run_app(data_copy)
    assert not at.warning and not at.error and at.metric
    assert build_module.stored_hashes(data_copy / DB_NAME) is not None


def test_a_damaged_database_that_cannot_be_rebuilt_shows_what_to_do(data_copy, read_only, run_app):
    damage_in_place(data_copy / DB_NAME)
    at = run_app(read_only(data_copy))
    assert [t.value for t in at.title] == ["The database could not be built"]


def test_a_database_damaged_while_served_shows_a_page_and_is_rebuilt_next(data_copy, run_app, monkeypatch):
    from openmodels.queries import Database

    real = Database.run

    def damaged(self, name, params=None):
        raise duckdb.Error("Corrupt database file: computed checksum 1 does not match stored checksum 2 in block 9")

    monkeypatch.setattr(Database, "run", damaged)
    import streamlit as st
    st.cache_data.clear()
    at = run_app(data_copy)
    assert [t.value for t in at.title] == ["The database could not be read"]
    assert "Reload the page" in at.error[0].value
    monkeypatch.setattr(Database, "run", real)
    assert run_app(data_copy).metric


def test_cli_build_replaces_a_damaged_database(data_copy):
    damage_in_place(data_copy / DB_NAME)
    assert main(["--data-dir", str(data_copy), "build"]) == 0
    assert build_module.stored_hashes(data_copy / DB_NAME) is not None


# --- the contract: missing, empty, truncated, invalid ------------------------------------------------

CONTRACT_FAULTS = {
    "missing": (None, "is missing"),
    "empty": (b"", "is empty"),
    "truncated": (CONTRACT_PATH.read_bytes()[:4000], "is not valid JSON (the file looks cut short)"),
    "not-json": (b"{'resources': []}", "is not valid JSON"),
    "not-an-object": (b"[]", "is not a JSON object"),
    "no-resources": (b'{"version": "1.0.0"}', "does not describe the dataset (missing 'data_as_of')"),
    "unknown-type": (CONTRACT_PATH.read_bytes().replace(b'"type": "date"', b'"type": "day"', 1),
                     "field models.release_date has the unknown type 'day'"),
    "unknown-rule": (CONTRACT_PATH.read_bytes().replace(b'"id": "no_markup"', b'"id": "no_tags"', 1),
                     "names a rule the validator does not know: 'no_tags'"),
    "bad-pattern": (CONTRACT_PATH.read_bytes().replace(b'"pattern": "^[a-z0-9][a-z0-9._-]*$"',
                                                       b'"pattern": "^[a-z0-9"', 1),
                    "field models.model_id has an invalid pattern"),
    "bad-maximum": (CONTRACT_PATH.read_bytes().replace(b'"maximum": 100000', b'"maximum": "lots"', 1),
                    "field models.params_total_b has a maximum of the wrong type ('lots')"),
    "bad-primary-key": (CONTRACT_PATH.read_bytes().replace(b'"primaryKey": [\n     "model_id"', b'"primaryKey": [\n "nope"', 1),
                        "is not a valid Data Package"),
}


@pytest.fixture
def broken_contract(request, tmp_path, monkeypatch):
    content, _ = CONTRACT_FAULTS[request.param]
    path = tmp_path / "contract" / "datapackage.json"
    path.parent.mkdir()
    if content is not None:
        path.write_bytes(content)
    monkeypatch.setattr(contract_module, "CONTRACT_PATH", path)
    contract_module.contract.cache_clear()
    yield CONTRACT_FAULTS[request.param][1]
    contract_module.contract.cache_clear()


@pytest.mark.parametrize("broken_contract", list(CONTRACT_FAULTS), indirect=True)
@pytest.mark.parametrize("command", ["validate", "build", "report"])
def test_cli_with_a_broken_contract_says_what_is_wrong(broken_contract, command, fixture_dir, tmp_path, capsys):
    for name in ("models.csv", "events.csv"):
        shutil.copy(fixture_dir / name, tmp_path / name)
    assert main(["--data-dir", str(tmp_path), command]) == 1
    err = capsys.readouterr().err
    assert broken_contract in err and "Traceback" not in err
    assert not (tmp_path / DB_NAME).exists()


@pytest.mark.parametrize("broken_contract", list(CONTRACT_FAULTS), indirect=True)
def test_app_with_a_broken_contract_shows_what_is_wrong(broken_contract, data_copy, run_app):
    at = run_app(data_copy)
    assert [t.value for t in at.title] == ["The data contract could not be read"]
    assert broken_contract in at.error[0].value


# --- leftovers of a killed build, and the visitors' error details --------------------------------------

def test_the_next_build_removes_what_a_killed_build_left(data_copy):
    junk = [".openmodels-k2x9q1.duckdb.tmp", ".openmodels-k2x9q1.duckdb.tmp.wal", f"{DB_NAME}.wal"]
    for name in junk:
        (data_copy / name).write_bytes(b"half a database")
    assert main(["--data-dir", str(data_copy), "build"]) == 0
    assert sorted(p.name for p in data_copy.iterdir()) == ["events.csv", "models.csv", DB_NAME]
    with duckdb.connect(str(data_copy / DB_NAME), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM models").fetchall()[0][0] > 0


def test_visitors_never_see_tracebacks():
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_build_is_unaffected_by_a_clean_folder(tmp_path):
    write_dataset(tmp_path)
    assert build(tmp_path).built

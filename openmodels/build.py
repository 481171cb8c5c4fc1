"""Build data/openmodels.duckdb from the CSVs: validate, write a temp file, rename it over the old one.
The app reads each build through its own hard link (see serve), so a rebuild is never hidden from it."""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import os
import queue
import re
import shutil
import tempfile
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import polars as pl

from openmodels.contract import DATA_DIR, QUERIES_DIR, Contract, contract
from openmodels.validate import Snapshot, Violation, display_path, file_sha256, validate_dataset

DB_NAME = "openmodels.duckdb"
TMP_PREFIX = ".openmodels-"
LEFTOVER_SUFFIXES = (".duckdb.tmp", ".duckdb.tmp.wal", ".duckdb.wal")  # of interrupted builds; readers write none
BUILD_SQL_DIR = QUERIES_DIR / "build"


class InvalidData(Exception):
    def __init__(self, violations: list[Violation]):
        self.violations = violations
        super().__init__(f"{len(violations)} validation error(s)")


class BuildFailed(Exception):
    """The database could not be written or read, for a reason outside the data (a read-only folder, a
    full disk, a damaged file). `what` says what is wrong, `todo` what to do; the previous database, if
    any, is unchanged."""

    def __init__(self, what: str, todo: str):
        self.what, self.todo = what, todo
        super().__init__(f"{what} {todo}")


READ_ONLY = (errno.EACCES, errno.EPERM, errno.EROFS)
DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def explain(err: Exception, folder: Path) -> BuildFailed:
    """A plain reason for an OSError or DuckDB error met while writing the database in `folder`."""
    shown = display_path(folder)
    code = getattr(err, "errno", None)
    text = str(err)
    if code in DISK_FULL or "No space left" in text or "Disk quota" in text:
        return BuildFailed(f"The disk holding {shown}/ is full, so the database could not be written.",
                           "Free some space on it, then rebuild (make build) or reload the page.")
    if code in READ_ONLY or "Permission denied" in text or "Read-only file system" in text:
        return BuildFailed(f"The folder {shown}/ cannot be written (it is read-only for this user), so the "
                           "database could not be built there.",
                           f"Make {shown}/ writable for the user running the dashboard, or build it once "
                           "as its owner (make build).")
    reason = getattr(err, "strerror", None) or text.splitlines()[0][:200]
    return BuildFailed(f"The database in {shown}/ could not be written: {reason}.",
                       "Check the folder and the disk, then rebuild (make build).")


@dataclass(frozen=True)
class BuildResult:
    path: Path
    built: bool
    rows: dict[str, int]


def snapshot_hashes(snapshot: Snapshot, contract_: Contract) -> dict[str, str]:
    """sha256 of each CSV of the snapshot and of the contract, keyed by file name."""
    return _with_contract_hash({t.path: snapshot.sha256(t.path) for t in contract_.tables}, contract_)


def _with_contract_hash(hashes: dict[str, str], contract_: Contract) -> dict[str, str]:
    contract_bytes = json.dumps(contract_.descriptor, sort_keys=True).encode()
    hashes["datapackage.json"] = hashlib.sha256(contract_bytes).hexdigest()
    return hashes


def csv_hashes(data_dir: Path, contract_: Contract) -> dict[str, str]:
    """sha256 of each CSV and of the contract, keyed by file name."""
    data_dir = Path(data_dir)
    return _with_contract_hash({t.path: file_sha256(data_dir / t.path) for t in contract_.tables}, contract_)


def stored_hashes(db_path: Path) -> dict[str, str] | None:
    """The hashes of the files a database was built from; None when it is missing or damaged. Every table is
    read in full (a few thousand rows), so a file damaged in place fails here, on DuckDB's block checksums,
    and is rebuilt, instead of failing later inside a page's query."""
    if not db_path.exists():
        return None
    try:
        with duckdb.connect(str(db_path), read_only=True) as con:
            rows = con.execute("SELECT file, sha256, row_count FROM dataset_files").fetchall()
            for (table,) in con.execute("SELECT table_name FROM duckdb_tables() WHERE NOT temporary").fetchall():
                con.execute(f'SELECT max(hash(t)) FROM "{table}" AS t').fetchall()  # reads every column
            counts = {name.removesuffix(".csv"): n for name, _, n in rows if n is not None}
            for table, n in counts.items():
                if con.execute(f'SELECT count(*) FROM "{table}"').fetchall()[0][0] != n:
                    return None
    except (duckdb.Error, OSError):
        return None
    return {name: digest for name, digest, _ in rows}


def is_current(data_dir: Path, db_path: Path, contract_: Contract) -> bool:
    return stored_hashes(db_path) == csv_hashes(data_dir, contract_)


@contextmanager
def build_lock(data_dir: Path):
    """An exclusive lock on the data folder itself, so concurrent builders take turns."""
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def _sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def remove_leftovers(folder: Path, keep: tuple[Path, ...] = ()) -> None:
    """Delete what interrupted builds left in `folder` (temporary files and their write-ahead logs).
    Call it holding the build lock: no other build is running then."""
    for path in folder.iterdir():
        if path not in keep and path.name.startswith(TMP_PREFIX) and path.name.endswith(LEFTOVER_SUFFIXES):
            path.unlink(missing_ok=True)


def _create_tables(con: duckdb.DuckDBPyConnection, contract_: Contract) -> None:
    for table in contract_.tables:
        cols = ",\n  ".join(f'"{f.name}" {f.duckdb_type}{" NOT NULL" if f.required else ""}'
                            for f in table.fields)
        con.execute(f'CREATE TABLE "{table.name}" (\n  {cols}\n)')
        con.execute(f'COMMENT ON TABLE "{table.name}" IS {_sql_literal(table.description)}')
        for f in table.fields:
            con.execute(f'COMMENT ON COLUMN "{table.name}"."{f.name}" IS {_sql_literal(f.description)}')


def _typed(table) -> list[pl.Expr]:
    """A chunk's text cells as the contract's types: an empty cell is NULL, dates YYYY-MM-DD, booleans
    from the field's trueValues (the validator has checked every cell's form)."""
    out = []
    for f, d in zip(table.fields, table.descriptor["schema"]["fields"]):
        e = pl.when(pl.col(f.name) != "").then(pl.col(f.name))
        if f.type == "date":
            e = e.str.to_date("%Y-%m-%d", strict=False)
        elif f.type == "number":
            e = e.cast(pl.Float64, strict=False)
        elif f.type == "integer":
            e = e.cast(pl.Int64, strict=False)
        elif f.type == "boolean":
            e = e.is_in(pl.Series(d.get("trueValues", ["true", "True", "TRUE", "1"])).implode())
        out.append(e.alias(f.name))
    return out


class _Loader:
    """Appends each validated chunk to the new database's tables (one read of the CSVs: the records
    loaded are the records validated). A worker thread inserts while validation reads the next chunk;
    at most two chunks wait, so memory stays bounded."""

    def __init__(self, con: duckdb.DuckDBPyConnection, contract_: Contract) -> None:
        self.con, self.contract = con, contract_
        self.casts = {t.name: _typed(t) for t in contract_.tables}
        self.queue: queue.Queue = queue.Queue(maxsize=2)
        self.error: BaseException | None = None
        self.worker = threading.Thread(target=self._work, name="openmodels-load", daemon=True)
        self.worker.start()

    def _work(self) -> None:
        while (job := self.queue.get()) is not None:
            try:
                if self.error is None:
                    job()
            except BaseException as err:  # noqa: BLE001 - re-raised in the building thread by _check
                self.error = err
            finally:
                self.queue.task_done()
        self.queue.task_done()

    def _check(self) -> None:
        if self.error is not None:
            raise self.error

    def _insert(self, name: str, chunk) -> None:
        self.con.register("openmodels_chunk", chunk)
        try:
            self.con.execute(f'INSERT INTO "{name}" SELECT * FROM openmodels_chunk')
        finally:
            self.con.unregister("openmodels_chunk")

    def load(self, table, frame: pl.DataFrame) -> None:
        self._check()
        chunk = frame.select(self.casts[table.name]).to_arrow()
        self.queue.put(lambda: self._insert(table.name, chunk))

    def restart(self) -> None:
        self.queue.join()
        self._check()
        for t in self.contract.tables:
            self.con.execute(f'DELETE FROM "{t.name}"')

    def close(self) -> None:
        """Wait for the last insert; raise what any insert raised."""
        self.queue.put(None)
        self.worker.join()
        self._check()


def _write_database(path: Path, data_dir: Path, contract_: Contract, hashes: dict[str, str]) -> dict[str, int]:
    """Finish the new database at `path`, whose tables hold the validated records: the query macros, the
    hashes of the files the records came from, the dataset's metadata."""
    rows: dict[str, int] = {}
    with duckdb.connect(str(path)) as con:
        for table in contract_.tables:
            rows[table.name] = con.execute(f'SELECT count(*) FROM "{table.name}"').fetchall()[0][0]
        for sql_file in sorted(BUILD_SQL_DIR.glob("*.sql")):
            con.execute(sql_file.read_text(encoding="utf-8"))
        con.execute("CREATE TABLE dataset_files (file VARCHAR, sha256 VARCHAR, row_count BIGINT)")
        con.executemany("INSERT INTO dataset_files VALUES (?, ?, ?)", [
            (name, digest, rows.get(name.removesuffix(".csv"))) for name, digest in hashes.items()
        ])
        con.execute(
            "CREATE TABLE dataset_meta AS SELECT $version AS dataset_version, CAST($as_of AS DATE) AS data_as_of, "
            "CAST($built AS TIMESTAMPTZ) AS built_at, $models_sha AS models_csv_sha256, "
            "$events_sha AS events_csv_sha256, $models_rows::BIGINT AS models_rows, $events_rows::BIGINT AS events_rows",
            {
                "version": contract_.version,
                "as_of": contract_.data_as_of,
                "built": datetime.now(timezone.utc).isoformat(),
                "models_sha": hashes["models.csv"],
                "events_sha": hashes["events.csv"],
                "models_rows": rows["models"],
                "events_rows": rows["events"],
            },
        )
        con.execute("COMMENT ON TABLE dataset_meta IS 'Dataset version, data-as-of date, build time, CSV hashes and row counts.'")
        con.execute("CHECKPOINT")
    return rows


def build(data_dir: Path = DATA_DIR, db_path: Path | None = None, contract_: Contract | None = None,
          force: bool = True) -> BuildResult:
    """Validate, then atomically replace the database. Raises InvalidData, or BuildFailed when the folder or
    disk will not take the file, and leaves the old file alone. The CSVs are read once: validation hands
    each chunk it passed to the new database, so the bytes validated are the bytes hashed and loaded."""
    contract_ = contract_ or contract()
    data_dir = Path(data_dir)
    db_path = Path(db_path) if db_path else data_dir / DB_NAME
    try:
        with build_lock(data_dir):
            if not force and stored_hashes(db_path) == csv_hashes(data_dir, contract_):
                return BuildResult(db_path, False, {})
            return _replace_database(db_path, data_dir, contract_)
    except (OSError, duckdb.Error) as err:
        raise explain(err, db_path.parent) from err


def _replace_database(db_path: Path, data_dir: Path, contract_: Contract) -> BuildResult:
    remove_leftovers(db_path.parent)
    tmp: Path | None = None
    try:
        try:
            fd, tmp_name = tempfile.mkstemp(prefix=TMP_PREFIX, suffix=".duckdb.tmp", dir=db_path.parent)
            os.close(fd)
            tmp = Path(tmp_name)
            tmp.unlink()  # duckdb wants to create the file itself
            con = duckdb.connect(str(tmp))
            _create_tables(con, contract_)
        except (OSError, duckdb.Error) as err:
            # The folder will not take the new file; the data's own faults are still reported first.
            violations = validate_dataset(data_dir, contract_)
            if violations:
                raise InvalidData(violations) from None
            raise err
        loader = _Loader(con, contract_)
        snapshot = Snapshot(data_dir, load=loader.load, restart=loader.restart)
        try:
            try:
                violations = validate_dataset(data_dir, contract_, snapshot=snapshot)
            finally:
                loader.close()
        finally:
            con.close()
        if violations:
            raise InvalidData(violations)
        rows = _write_database(tmp, data_dir, contract_, snapshot_hashes(snapshot, contract_))
        with open(tmp, "rb") as fh:
            os.fsync(fh.fileno())
        # A write-ahead log left beside the public name would be replayed onto the new file: remove it first.
        db_path.with_name(db_path.name + ".wal").unlink(missing_ok=True)
        os.replace(tmp, db_path)
    finally:
        if tmp is not None:
            for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
                leftover.unlink(missing_ok=True)
    return BuildResult(db_path, True, rows)


def ensure_database(data_dir: Path = DATA_DIR, db_path: Path | None = None) -> Path:
    """Build the database if it is missing or older than the CSVs; return the path to open: the current
    build's own file beside it (see serve), never the public name, which a later build replaces."""
    contract_ = contract()
    data_dir = Path(data_dir)
    db_path = Path(db_path) if db_path else data_dir / DB_NAME
    if not is_current(data_dir, db_path, contract_):
        build(data_dir, db_path, contract_, force=False)
    return _serve_locked(data_dir, db_path)


def previous_database(data_dir: Path = DATA_DIR, db_path: Path | None = None) -> Path | None:
    """The path to serve the last good build from while a new one cannot be written (BuildFailed), or None
    when there is no database or it is damaged."""
    data_dir = Path(data_dir)
    db_path = Path(db_path) if db_path else data_dir / DB_NAME
    if stored_hashes(db_path) is None:
        return None
    return _serve_locked(data_dir, db_path)


def _serve_locked(data_dir: Path, db_path: Path) -> Path:
    try:
        with build_lock(data_dir):
            try:
                return serve(db_path)
            except OSError as err:
                if err.errno not in READ_ONLY:
                    raise
                # A read-only folder takes no link: serve the public file itself (no build can replace it there).
                return db_path
    except OSError as err:
        raise explain(err, db_path.parent) from err


def serve(db_path: Path) -> Path:
    """The file readers open for the build now at db_path: `.openmodels-<n>-<id>.duckdb`, a hard link to it
    (a copy where the file system has no hard links), made once per build. Call it holding the build lock.

    Why: DuckDB keeps one database instance per path in a process, and while a connection to it is open a
    new connection to the same path still reads the file it first opened, not the one a rebuild renamed over
    it. A new name per build lets new readers see the new build while readers of older builds keep theirs.
    <n> counts builds; <id> is the public file's identity (device, inode, mtime, size), so one build is
    found again and a later build never reuses a name. Older generations and leftovers of interrupted builds
    are removed, except the previous generation, for a reader that was just handed its path; a connection
    that is open keeps reading a removed file (POSIX), so no reader is cut off."""
    info = db_path.stat()
    ident = hashlib.sha256(f"{info.st_dev}:{info.st_ino}:{info.st_mtime_ns}:{info.st_size}".encode()).hexdigest()[:12]
    pattern = re.compile(rf"\.{re.escape(db_path.stem)}-(\d+)-[0-9a-f]{{12}}\.duckdb")
    generations = sorted((int(m[1]), p) for p in db_path.parent.iterdir() if (m := pattern.fullmatch(p.name)))
    current = next((p for _, p in generations if p.name.endswith(f"-{ident}.duckdb")), None)
    if current is None:
        seq = generations[-1][0] + 1 if generations else 1
        current = db_path.with_name(f".{db_path.stem}-{seq:06d}-{ident}.duckdb")
        try:
            os.link(db_path, current)
        except OSError:
            tmp = current.with_name(current.name + ".tmp")
            shutil.copyfile(db_path, tmp)
            os.replace(tmp, current)
        generations.append((seq, current))
    previous = [p for _, p in generations if p != current][-1:]
    for path in db_path.parent.iterdir():
        if path not in (current, *previous) and pattern.fullmatch(path.name):
            path.unlink(missing_ok=True)
    remove_leftovers(db_path.parent, keep=(current, *previous))
    return current

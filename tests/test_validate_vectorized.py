"""The vectorized validator at size: exact line numbers across chunks, the same findings as the strict csv
reader, many failing rows capped and counted, and files the fast reader cannot vouch for."""

from __future__ import annotations

import copy
import csv
import io

import pytest

import openmodels.validate as validate
from fixture_data import EVENTS, MODELS, write_dataset
from openmodels.__main__ import main
from openmodels.validate import MAX_PER_CHECK, validate_dataset


def many_models(n: int) -> list[dict]:
    """n valid models: the fixture's rows repeated with new ids; every 7th note spans lines and quotes."""
    rows = []
    for i in range(n):
        row = copy.deepcopy(MODELS[i % len(MODELS)])
        if i >= len(MODELS):
            row["model_id"] = f"{row['model_id']}--{i}"
        if i % 7 == 3 and not row["notes"]:
            row["notes"] = f'Checked twice,\nthe "card" says so.\n\nRow {i}.'
        rows.append(row)
    return rows


def record_lines(path) -> list[int]:
    """The physical line each record starts on, as Python's strict csv reader counts them."""
    reader = csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline=""), strict=True)
    out, end = [], 0
    for _ in reader:
        out.append(end + 1)
        end = reader.line_num
    return out[1:]


def shown(violations) -> list[tuple[str, int, str, str]]:
    return [(v.path.rsplit("/", 1)[1], v.line, v.column, v.rule) for v in violations]


@pytest.fixture
def small_chunks(monkeypatch):
    monkeypatch.setattr(validate, "CHUNK_BYTES", 4096)


def test_line_numbers_are_exact_across_many_chunks(tmp_path, small_chunks):
    models = many_models(3000)
    broken = [5, 999, 1000, 2222, 2999]
    for i in broken:
        models[i]["country"] = "XX"
    models[1500]["params_active_b"] = "seven"
    write_dataset(tmp_path, models, EVENTS)
    lines = record_lines(tmp_path / "models.csv")
    assert lines[-1] > len(models) + 1  # notes with line breaks push the physical lines on

    found = shown(validate_dataset(tmp_path))
    assert ("models.csv", lines[1500], "params_active_b", validate.FORMS["number"][1]) in found
    assert [line for _, line, _, rule in found if rule == "not an ISO 3166-1 alpha-2 country code"] == \
        [lines[i] for i in broken]


def test_fast_reader_finds_what_the_strict_reader_finds(tmp_path, monkeypatch, small_chunks):
    models, events = many_models(1200), copy.deepcopy(EVENTS)
    models[10]["notes"] = "See <b>this</b>"
    models[400]["organization"] = "\u0410libaba"
    models[401]["release_date"] = "2023-02-30"
    models[402]["model_id"] = models[3]["model_id"]
    models[800]["name"] = " padded"
    models[900]["params_total_b"] = "1e308"
    events[1]["model_id"] = "no-such-model"
    write_dataset(tmp_path, models, events)
    fast = [str(v) for v in validate_dataset(tmp_path)]
    monkeypatch.setattr(validate, "_fast_header_ok", lambda source, table: False)
    strict = [str(v) for v in validate_dataset(tmp_path)]
    assert fast == strict and len(fast) >= 7


def test_many_failing_rows_are_capped_and_counted(tmp_path, capsys):
    models = many_models(MAX_PER_CHECK + 150)
    for row in models:
        row["architecture"] = "hybrid"
    write_dataset(tmp_path, models, EVENTS)
    lines = record_lines(tmp_path / "models.csv")
    arch = [v for v in validate_dataset(tmp_path) if v.column == "architecture"]
    assert [v.line for v in arch] == lines[:MAX_PER_CHECK + 1]
    assert all(v.rule == "not one of the allowed values: dense, moe" for v in arch[:MAX_PER_CHECK])
    assert arch[-1].rule == ("not one of the allowed values: dense, moe (and 149 more rows up to line "
                             f"{lines[-1]:,} break this rule; they are not listed)")
    assert main(["--data-dir", str(tmp_path), "validate"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert sum(":architecture:" in line for line in out) == MAX_PER_CHECK + 1


def test_blank_line_inside_the_file_is_named_by_the_strict_reader(tmp_path, small_chunks):
    write_dataset(tmp_path, many_models(300), EVENTS)
    path = tmp_path / "models.csv"
    text = path.read_text(encoding="utf-8")
    blank_line = record_lines(path)[150]  # the blank line goes before record 150, which moves down one line
    cut = sum(len(line) for line in text.splitlines(keepends=True)[:blank_line - 1])
    path.write_text(text[:cut] + "\n" + text[cut:], encoding="utf-8")
    assert [str(v).split("/")[-1] for v in validate_dataset(tmp_path)] == [
        f"models.csv:{blank_line}:model_id: '' — row has 0 cells, the header has 24 (unquoted comma or missing cell?)"]


def test_a_missing_cell_is_not_read_past(tmp_path, small_chunks):
    """Polars pads a short record with empty cells; the byte count of the chunk gives it away."""
    models = many_models(300)
    write_dataset(tmp_path, models, EVENTS)
    path = tmp_path / "models.csv"
    text = path.read_text(encoding="utf-8")
    lines = record_lines(path)
    rows = text.split("\n")
    target = lines[200] - 1
    rows[target] = rows[target].rsplit(",", 1)[0]  # drop the last (empty notes) cell
    assert rows[target].count(",") == 22
    path.write_text("\n".join(rows), encoding="utf-8")
    assert shown(validate_dataset(tmp_path)) == [
        ("models.csv", lines[200], "notes", "row has 23 cells, the header has 24 (unquoted comma or missing cell?)")]


def test_a_row_of_empty_cells_is_a_blank_row(tmp_path):
    write_dataset(tmp_path, copy.deepcopy(MODELS), EVENTS)
    path = tmp_path / "models.csv"
    path.write_text(path.read_text(encoding="utf-8") + "," * 23 + "\n", encoding="utf-8")
    line = len(MODELS) + 2
    found = shown(validate_dataset(tmp_path))
    assert ("models.csv", line, "-", f'Blank Row: Row at position "{line}" is completely blank') in found
    assert not any(col == "model_id" and ln == line for _, ln, col, _ in found)  # no 'required' for its cells


def test_file_without_final_line_break_passes(tmp_path, small_chunks):
    write_dataset(tmp_path, many_models(200), EVENTS)
    path = tmp_path / "models.csv"
    path.write_bytes(path.read_bytes().rstrip(b"\n"))
    assert validate_dataset(tmp_path) == []


def test_build_loads_every_chunk_in_file_order(tmp_path, small_chunks):
    import duckdb

    from openmodels.build import DB_NAME, build

    models = many_models(3000)
    write_dataset(tmp_path, models, EVENTS)
    assert build(tmp_path).rows["models"] == len(models)
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        ids = [r[0] for r in con.execute("SELECT model_id FROM models").fetchall()]
        notes = con.execute("SELECT notes FROM models WHERE model_id = $id", {"id": models[3]["model_id"]}).fetchall()
    assert ids == [m["model_id"] for m in models]
    assert notes == [(models[3]["notes"] or None,)]


def test_build_starts_over_when_the_strict_reader_takes_over(tmp_path, small_chunks):
    """A bare quote inside an unquoted cell is valid CSV for Python's reader but not for Polars: the chunks
    loaded before it are dropped and the whole file is loaded again from the strict reader's records."""
    import duckdb

    from openmodels.build import DB_NAME, build

    models = many_models(2000)
    models[1500]["name"] = 'The 7" model'
    write_dataset(tmp_path, models, EVENTS)
    path = tmp_path / "models.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('"The 7"" model"', 'The 7" model'), encoding="utf-8")
    assert 'The 7" model' in path.read_text(encoding="utf-8")
    assert build(tmp_path).rows["models"] == len(models)
    with duckdb.connect(str(tmp_path / DB_NAME), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT model_id) FROM models").fetchall() == [(2000, 2000)]
        assert con.execute("SELECT name FROM models WHERE model_id = $id",
                           {"id": models[1500]["model_id"]}).fetchall() == [('The 7" model',)]

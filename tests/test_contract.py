"""The contract is the one definition: validator rules, DuckDB types/comments and the docs read it."""

import duckdb

from openmodels.contract import contract
from openmodels.validate import RULES
from fixture_data import EVENTS, MODELS


def test_every_column_is_described_and_typed():
    for table in contract().tables:
        for field in table.fields:
            assert field.description.strip(), f"{table.name}.{field.name} has no description"
            assert field.duckdb_type


def test_contract_carries_version_and_data_as_of():
    c = contract()
    assert c.version.count(".") == 2
    assert len(c.data_as_of) == 10


def test_every_declared_rule_is_implemented_and_every_rule_is_declared():
    declared = {r["id"] for t in contract().tables for r in t.rules}
    assert declared == set(RULES)


def test_database_tables_follow_the_contract(fixture_dir):
    with duckdb.connect(str(fixture_dir / "openmodels.duckdb"), read_only=True) as con:
        for table in contract().tables:
            cols = con.execute(
                "SELECT column_name, data_type, comment FROM duckdb_columns() WHERE table_name = ? "
                "ORDER BY column_index", [table.name]).fetchall()
            assert [c[0] for c in cols] == table.columns
            assert [c[1] for c in cols] == [f.duckdb_type for f in table.fields]
            assert [c[2] for c in cols] == [f.description for f in table.fields]


def test_dataset_meta(fixture_dir):
    with duckdb.connect(str(fixture_dir / "openmodels.duckdb"), read_only=True) as con:
        row = con.execute("SELECT dataset_version, CAST(data_as_of AS VARCHAR), models_rows, events_rows, "
                          "length(models_csv_sha256), built_at IS NOT NULL FROM dataset_meta").fetchall()[0]
    assert row == (contract().version, contract().data_as_of, len(MODELS), len(EVENTS), 64, True)


def test_every_number_has_a_finite_range_and_every_integer_fits_in_64_bits():
    """DuckDB stores integers as BIGINT and numbers as DOUBLE: a value outside these ranges would crash the
    build after passing validation, so the contract bounds every numeric column."""
    for table in contract().tables:
        for f in table.fields:
            if f.type == "integer":
                assert -(2 ** 63) <= f.constraints.get("minimum", -(2 ** 63)) and \
                    f.constraints["maximum"] < 2 ** 63, f.name
            if f.type == "number":
                assert float(f.constraints["maximum"]) < 1e300, f.name


def test_every_table_runs_the_text_and_form_rules():
    for table in contract().tables:
        ids = [r["id"] for r in table.rules]
        assert {"exact_forms", "clean_text", "no_markup", "no_formula"} <= set(ids), table.name

"""Country names and organization labels: the pure functions behind filters, tables and downloads."""

from __future__ import annotations

import polars as pl
import pytest

from openmodels.countries import country_code, country_label, country_name
from openmodels.display import org_from_link, org_label, with_country_labels, with_country_names


@pytest.mark.parametrize("code,name", [("CN", "China"), ("US", "United States"), ("KR", "South Korea"),
                                       ("RU", "Russia"), ("TW", "Taiwan"), ("EU", "European Union"),
                                       ("Other", "Other")])
def test_a_code_reads_as_its_short_name(code, name):
    assert country_name(code) == name
    assert country_label(code) == (name if code == "Other" else f"{name} ({code})")


@pytest.mark.parametrize("text,code", [("CN", "CN"), ("cn", "CN"), ("CHN", "CN"), ("China", "CN"),
                                       ("People's Republic of China", "CN"), ("China (CN)", "CN"),
                                       ("china (cn)", "CN"), ("Russia", "RU"), ("South Korea (KR)", "KR"),
                                       ("European Union", "EU"), ("China (US)", None), ("Narnia", None),
                                       ("A" * 10_000, None), ("", None)])
def test_a_code_name_or_label_reads_back_as_its_code(text, code):
    assert country_code(text) == code


def test_an_organization_link_value_is_its_name_with_or_without_a_count():
    names = {"DeepSeek", "Yayi (Wenge)"}
    assert org_label("DeepSeek", 49) == "DeepSeek (49)"
    assert [org_from_link(v, names) for v in ["DeepSeek", "DeepSeek (3)", "Yayi (Wenge)", "Yayi (Wenge) (2)",
                                              "DeepSeek (x)", "Other Lab (3)"]] == [
        "DeepSeek", "DeepSeek", "Yayi (Wenge)", "Yayi (Wenge)", None, None]


def test_tables_show_labels_and_downloads_add_names_beside_the_code():
    frame = pl.DataFrame({"model": ["a", "b", "c"], "country": ["CN", None, "EU"], "releases": [1, 2, 3]})
    assert with_country_labels(frame)["country"].to_list() == ["China (CN)", None, "European Union (EU)"]
    named = with_country_names(frame)
    assert named.columns == ["model", "country", "country_name", "releases"]
    assert named["country"].to_list() == ["CN", None, "EU"]
    assert named["country_name"].to_list() == ["China", None, "European Union"]
    assert frame.columns == ["model", "country", "releases"]  # the input is not changed
    assert with_country_names(frame.drop("country")).columns == ["model", "releases"]
    assert with_country_names(named).equals(named)

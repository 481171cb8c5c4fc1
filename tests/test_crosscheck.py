"""python -m openmodels crosscheck on a small Epoch-style CSV built here: matches, disagreements, unmatched."""

from __future__ import annotations

import csv
from pathlib import Path

import polars as pl
import pytest

from openmodels.__main__ import main
from openmodels.crosscheck import crosscheck, match, name_key, read_epoch

COLUMNS = ["Model", "Organization", "Publication date", "Parameters", "Model accessibility",
           "Country (of organization)", "Domain", "Task", "Link", "Base model", "Training compute (FLOP)"]


def epoch_row(model, org, day, params, access="Open weights (unrestricted)", country="China", domain="Language",
              task="Language modeling/generation", base=""):
    return {"Model": model, "Organization": org, "Publication date": day,
            "Parameters": "" if params is None else f"{params * 1e9:.1f}", "Model accessibility": access,
            "Country (of organization)": country, "Domain": domain, "Task": task,
            "Link": f"https://example.org/{model}", "Base model": base, "Training compute (FLOP)": "1e24"}


ROWS = [
    # the fixture's DeepSeek-V3 (2024-12-26, 671B, restricted-use): Epoch dates the paper later, same size
    epoch_row("DeepSeek-V3", "DeepSeek", "2025-01-20", 671, access="Open weights (restricted use)"),
    # Qwen3-235B-A22B: size 10% off, class differs (ours unrestricted)
    epoch_row("Qwen3-235B-A22B", "Alibaba", "2025-04-29", 260, access="Open weights (non-commercial)"),
    # Llama 3.1 405B agrees on everything, matched through an alias organization and a variant word
    epoch_row("Llama 3.1-405B-Instruct", "Meta AI", "2024-07-23", 405, access="Open weights (restricted use)",
              country="United States of America"),
    # Kimi K2 with Epoch's country wrong
    epoch_row("Kimi K2", "Moonshot", "2025-07-11", 1000, access="Open weights (restricted use)", country="Singapore"),
    # in scope, in no row of ours
    epoch_row("Hunyuan-Large", "Tencent", "2024-11-05", 389),
    # out of scope: closed, too small, a third-party fine-tune, before 2023
    epoch_row("Closed-1", "Alibaba", "2025-02-01", 70, access="API access"),
    epoch_row("Tiny-LM", "Alibaba", "2025-02-01", 0.5),
    epoch_row("Qwen-Finetune", "Some Lab", "2025-02-01", 7, base="Qwen3-235B-A22B"),
    epoch_row("Old-CN", "Baidu", "2022-03-01", 10),
]


@pytest.fixture
def epoch_csv(tmp_path) -> Path:
    path = tmp_path / "epoch.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(ROWS)
    return path


def test_matching_pairs_names_across_spelling_variants(epoch_csv, models):
    got = dict(match(read_epoch(epoch_csv), models, {"metaai": "Meta", "moonshot": "Moonshot AI"})
               .select("epoch_model", "model_id").iter_rows())
    assert got["DeepSeek-V3"] == "deepseek-v3"
    assert got["Llama 3.1-405B-Instruct"] == "llama-3.1-405b"
    assert got["Kimi K2"] == "kimi-k2"
    assert got["Hunyuan-Large"] is None
    assert name_key("Qwen2.5-72B-Instruct") == name_key("Qwen2.5 72B")
    assert name_key("Cerebras-GPT 1.3B") != name_key("Cerebras-GPT 13B")


def test_disagreements_and_unmatched_in_scope_entries(epoch_csv, models):
    aliases = {"metaai": "Meta", "moonshot": "Moonshot AI"}
    disagree, unmatched = crosscheck(epoch_csv, models, aliases=aliases)
    found = {(r["model_id"], r["check"].split(" ")[0]) for r in disagree.iter_rows(named=True)}
    assert found == {("deepseek-v3", "release"), ("qwen3-235b-a22b", "total"), ("qwen3-235b-a22b", "accessibility"),
                     ("kimi-k2", "country")}
    assert unmatched["epoch_model"].to_list() == ["Hunyuan-Large"]


def test_the_cli_prints_every_disagreement_and_fails_cleanly_on_a_wrong_file(epoch_csv, fixture_dir, capsys, tmp_path):
    assert main(["--data-dir", str(fixture_dir), "crosscheck", str(epoch_csv)]) == 0
    out = capsys.readouterr().out
    assert "deepseek-v3 ~ 'DeepSeek-V3': release date > 14 days apart: ours 2024-12-26, Epoch 2025-01-20" in out
    assert "Hunyuan-Large (389B)" in out
    wrong = tmp_path / "not-epoch.csv"
    pl.DataFrame({"a": [1]}).write_csv(wrong)
    assert main(["--data-dir", str(fixture_dir), "crosscheck", str(wrong)]) == 1
    assert "not an Epoch AI models CSV" in capsys.readouterr().err

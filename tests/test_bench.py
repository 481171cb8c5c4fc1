"""bench/pages.py runs end to end (one page, one repeat) and prints its table."""

from __future__ import annotations

import subprocess
import sys

import pytest

from browser_support import ROOT

pytestmark = pytest.mark.browser


def test_bench_pages_quick_measures_one_page_and_prints_a_table(fixture_dir):
    run = subprocess.run([sys.executable, str(ROOT / "bench" / "pages.py"), "--quick", "--pages", "scale",
                          "--data-dir", str(fixture_dir)], capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stdout + run.stderr
    lines = run.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("| page"))
    columns = [c.strip() for c in lines[header].strip("|").split("|")]
    assert columns[:5] == ["page", "charts", "cold st ms", "cold static ms", "ratio"]
    assert "Plotly.react ms" in columns and "server CPU warm run ms" in columns
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in lines[header + 2:] if line.startswith("|")]
    assert [r[0] for r in rows] == ["Scale"]
    scale = dict(zip(columns, rows[0]))
    assert scale["charts"] == "2"  # the scatter and who led at each size
    for column in ("cold st ms", "cold static ms", "warm st ms", "warm static ms", "redraw st ms", "Plotly.react ms"):
        assert float(scale[column]) > 0, column
    assert scale["ratio"].endswith("x")

"""The short form of bench/load.py: 20 simultaneous sessions, each sees its own filters' results."""

import asyncio
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
import load  # noqa: E402

pytestmark = pytest.mark.browser


def test_twenty_sessions_at_once_see_their_own_results():
    stats = asyncio.run(load.run(sessions=20, seconds=20, data_dir=None))
    print("\n" + load.table(stats))
    assert stats["mismatches"] == []
    assert stats["errors"] == []
    assert stats["server_log_errors"] == []
    assert stats["interactions"] >= 40

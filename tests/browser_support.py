"""Start the real dashboard as `make run` does (`streamlit run asgi.py`: app and data API under uvicorn) and
drive it with Playwright in Chromium.

Shared by tests/test_browser.py and bench/load.py.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts"
SYSTEM_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, data_dir: Path | None, port: int, log: Path):
        self.port, self.log, self.data_dir = port, log, data_dir
        self.url = f"http://127.0.0.1:{port}"
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> "Server":
        env = dict(os.environ)
        if self.data_dir:
            env["OPENMODELS_DATA_DIR"] = str(self.data_dir)
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self._log_fh = open(self.log, "w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "asgi.py"), "--server.address", "127.0.0.1",
             "--server.port", str(self.port), "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=self._log_fh, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited: {self.log.read_text()[-2000:]}")
            with contextlib.suppress(OSError):
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.read() == b"ok":
                        return self
            time.sleep(0.3)
        self.stop()
        raise TimeoutError("streamlit did not answer /_stcore/health")

    def peak_rss_mb(self) -> float:
        status = Path(f"/proc/{self.proc.pid}/status").read_text()
        line = next(ln for ln in status.splitlines() if ln.startswith("VmHWM"))
        return int(line.split()[1]) / 1024

    def log_errors(self) -> list[str]:
        text = self.log.read_text()
        # At exit DuckDB's bindings (nanobind) list objects still alive, e.g. 'leaked type
        # "PythonExceptionHandling"': a report on interpreter shutdown, not an error a visitor met.
        text = text.split("\nnanobind: leaked", 1)[0]
        return [ln for ln in text.splitlines() if "Traceback" in ln or " ERROR " in ln or "Exception" in ln]

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if getattr(self, "_log_fh", None):
            self._log_fh.close()


def launch_kwargs() -> dict:
    """Debian's Chromium when installed; otherwise Playwright's own browser (`playwright install`)."""
    if Path(SYSTEM_CHROMIUM).exists():
        return {"executable_path": SYSTEM_CHROMIUM, "args": CHROMIUM_ARGS}
    return {"args": ["--disable-gpu"]}


READY_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;
  return document.querySelectorAll('[data-testid="stSkeleton"]').length === 0;
}"""


def wait_ready(page, settle_ms: int = 600) -> None:
    """Wait until Streamlit finished running the script and the page stopped changing."""
    page.wait_for_selector('[data-testid="stApp"]')
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(READY_JS, timeout=60_000)
    page.wait_for_timeout(settle_ms)
    page.wait_for_function(READY_JS, timeout=60_000)


def wait_charts(page, timeout_ms: int = 60_000) -> None:
    """Wait until Plotly has drawn every chart on the page (its code loads lazily on first use)."""
    page.wait_for_function(
        "() => { const c = document.querySelectorAll('.js-plotly-plot');"
        " return c.length > 0 && Array.from(c).every(e => Array.isArray(e.data)); }", timeout=timeout_ms)


PLOTLY_TRACES_JS = """() => Array.from(document.querySelectorAll('.js-plotly-plot')).map(
  el => (el.data || []).map(t => ({name: t.name, x: t.x, y: t.y, type: t.type})))"""

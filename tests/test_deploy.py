"""Safe defaults wherever the dashboard starts: the run command, Streamlit's config lookup, the app's own
start-up check, and the reverse-proxy example in deploy/nginx.conf (run when nginx is installed)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from browser_support import ROOT, Server, free_port


def test_make_run_passes_the_safe_defaults_as_flags():
    out = subprocess.run(["make", "-n", "-C", str(ROOT), "run"], capture_output=True, text=True, check=True).stdout
    out = out.replace("\\\n\t", " ")
    line = next(ln for ln in out.splitlines() if "streamlit run asgi.py" in ln)
    assert line.startswith(f"cd {ROOT} && ")
    for flag in ("--server.address 127.0.0.1", "--browser.gatherUsageStats false", "--server.headless true"):
        assert flag in line


def test_streamlit_started_from_another_folder_reads_the_config_beside_app_py(tmp_path):
    """`streamlit run /path/to/app.py` from elsewhere: Streamlit (1.4x and later) reads the .streamlit/config.toml
    beside the main script. Checked with the steps of its `run` command, without opening a port."""
    code = ("import streamlit.config as c; from streamlit.web import bootstrap; "
            f"c._main_script_path = {str(ROOT / 'app.py')!r}; bootstrap.load_config_options(flag_options={{}}); "
            "print(c.get_option('server.address'), c.get_option('browser.gatherUsageStats'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["127.0.0.1", "False"]


@pytest.mark.parametrize("option,value,said", [
    ("server.address", "", "listens on every network interface"),
    ("browser.gatherUsageStats", True, "reports usage statistics"),
])
def test_the_app_refuses_to_serve_without_the_projects_settings(fixture_dir, monkeypatch, option, value, said):
    monkeypatch.setenv("OPENMODELS_DATA_DIR", str(fixture_dir))
    before = st_config.get_option(option)
    st_config.set_option(option, value)
    try:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    finally:
        st_config.set_option(option, before)
    assert not at.exception
    assert [t.value for t in at.title] == ["Started without the project's settings"]
    assert said in at.error[0].value and "make run" in at.error[0].value


NGINX = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs nginx-light)")
def test_the_nginx_example_adds_the_headers_and_hides_the_metrics(tmp_path):
    srv = Server(None, free_port(), tmp_path / "streamlit.log").start()
    proxy_port = free_port()
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    conf = conf.replace("127.0.0.1:8080;", f"127.0.0.1:{proxy_port};").replace(
        "http://127.0.0.1:8501;", f"http://127.0.0.1:{srv.port};")
    (tmp_path / "tmp").mkdir()
    (tmp_path / "nginx.conf").write_text(conf)
    nginx = subprocess.Popen([NGINX, "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g", "daemon off;"],
                             stderr=subprocess.PIPE)
    try:
        base = f"http://127.0.0.1:{proxy_port}"
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                    health = r.read()
                break
            except OSError:
                time.sleep(0.1)
        assert health == b"ok"
        with urllib.request.urlopen(base + "/", timeout=5) as r:
            csp = r.headers["Content-Security-Policy"]
            assert "frame-ancestors 'none'" in csp and r.headers["X-Frame-Options"] == "DENY"
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(base + "/_stcore/metrics", timeout=5)
        assert err.value.code == 404
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        srv.stop()


def test_make_run_serves_app_and_api_with_production_settings_and_make_dev_watches_files():
    def line(target: str) -> str:
        out = subprocess.run(["make", "-n", "-C", str(ROOT), target], capture_output=True, text=True,
                             check=True).stdout.replace("\\\n\t", " ")
        return next(ln for ln in out.splitlines() if "streamlit run asgi.py" in ln)
    run, dev = line("run"), line("dev")
    assert "--server.fileWatcherType none" in run and "--runner.postScriptGC false" in run
    assert "--server.fileWatcherType auto" in dev and "--server.runOnSave true" in dev
    for flag in ("--server.address 127.0.0.1", "--browser.gatherUsageStats false", "--server.headless true"):
        assert flag in dev
    code = ("import streamlit.config as c; from streamlit.web import bootstrap; "
            f"c._main_script_path = {str(ROOT / 'asgi.py')!r}; bootstrap.load_config_options(flag_options={{}}); "
            "print(c.get_option('server.fileWatcherType'), c.get_option('runner.postScriptGC'))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["none", "False"]

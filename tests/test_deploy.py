"""Safe defaults wherever the dashboard starts: the run command, Streamlit's config lookup, the app's own
start-up check, the reverse-proxy example in deploy/nginx.conf, and several replicas behind nginx
(deploy/replicas.py with deploy/nginx-replicas.conf); the nginx tests run when nginx is installed."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from browser_support import ROOT, Server, free_port, launch_kwargs, wait_ready
from fixture_data import MODELS, write_dataset


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


# --- several replicas behind nginx (deploy/replicas.py, deploy/nginx-replicas.conf) ------------------------------

sys.path.insert(0, str(ROOT / "deploy"))
import replicas as launcher  # noqa: E402


def test_the_replicas_config_lists_every_replica_and_keeps_the_single_servers_headers():
    conf = launcher.nginx_conf([9101, 9102, 9103], 9100)
    servers = re.findall(r"^\s*server (127\.0\.0\.1:\d+) ", conf, re.M)
    assert servers == ["127.0.0.1:9101", "127.0.0.1:9102", "127.0.0.1:9103"]
    assert "listen 127.0.0.1:9100;" in conf and "hash $replica_key consistent;" in conf
    single = (ROOT / "deploy" / "nginx.conf").read_text()
    for line in single.splitlines():  # the headers and the hidden metrics cannot drift apart between the two
        if line.strip().startswith(("add_header", "location /_stcore/metrics", "proxy_set_header", "proxy_http")):
            assert line.strip() in conf


def test_each_replica_starts_with_the_safe_defaults_of_make_run():
    argv = launcher.REPLICA_COMMAND.format(python="py", root="/srv/app", port=8123).split()
    assert argv[:5] == ["py", "-m", "streamlit", "run", "/srv/app/asgi.py"]  # the dashboard and the data API
    line = " ".join(argv)
    for flag in ("--server.address 127.0.0.1", "--server.port 8123", "--browser.gatherUsageStats false",
                 "--server.headless true", "--server.fileWatcherType none", "--runner.postScriptGC false"):
        assert flag in line


VISIT = """
import os, sys, time
from pathlib import Path
from openmodels.build import ensure_database
from openmodels.queries import Database
folder = Path(sys.argv[1])
(folder / f"ready-{os.getpid()}").touch()
while not (folder / "go").exists():
    time.sleep(0.005)
path = ensure_database(folder)
print(path.name, Database(path).run("dataset_meta")["built_at"].item())
"""


def test_replicas_that_start_at_once_on_a_fresh_folder_build_once_and_share_one_file(tmp_path):
    """Four processes (replicas) make their first visit at the same moment on a folder with no database: the lock
    of the data folder (a file lock, across processes) lets one build; the others find it current and open the
    same per-build file read-only."""
    write_dataset(tmp_path)
    procs = [subprocess.Popen([sys.executable, "-c", VISIT, str(tmp_path)], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob("ready-*"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    (tmp_path / "go").touch()
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _, err in results]
    assert len({out for out, _ in results}) == 1  # one file, one build time
    links = sorted(p.name for p in tmp_path.glob(".openmodels-*"))
    assert len(links) == 1 and links[0].startswith(".openmodels-000001-")


class Replicas:
    """deploy/replicas.py as an operator starts it, with two replicas and nginx, on a copy of the fixture data."""

    def __init__(self, workdir: Path, data_dir: Path):
        self.first, self.proxy_port = launcher.free_ports(2), free_port()
        self.ports = [self.first, self.first + 1]
        self.url = f"http://127.0.0.1:{self.proxy_port}"
        self.workdir, self.out = workdir, workdir / "launcher.out"
        workdir.mkdir(parents=True, exist_ok=True)
        with open(self.out, "w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, str(ROOT / "deploy" / "replicas.py"), "--replicas", "2", "--port", str(self.first),
                 "--proxy-port", str(self.proxy_port), "--workdir", str(workdir), "--data-dir", str(data_dir)],
                cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 240
        while "Serving" not in self.out.read_text():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"deploy/replicas.py did not start: {self.out.read_text()[-3000:]}")
            time.sleep(0.5)

    def upstreams(self, key: str, path: str = "") -> list[int]:
        """The replica ports that answered the requests of one visitor (its replica cookie), in order; with
        `path`, only the requests for it. After a failed try nginx logs every replica it tried ("a, b"): the
        last one answered."""
        log = (self.workdir / "access.log").read_text()
        return [int(m[1].split(", ")[-1].rsplit(":", 1)[1])
                for m in re.finditer(rf'"GET {re.escape(path)}[^"]*" \d+ upstream=(\S+(?:, \S+)*) '
                                     rf'key={re.escape(key)}$', log, re.M)]

    def active_sessions(self, port: int) -> int:
        """Asked of the replica itself on loopback (the proxy hides /_stcore/metrics)."""
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/metrics?families=active_sessions",
                                    timeout=5) as r:
            return int(re.search(rb"^active_sessions (\d+)", r.read(), re.M)[1])

    def replica_pid(self, port: int) -> int:
        return int((self.workdir / f"replica-{port}.pid").read_text())

    def stop(self) -> int | None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=60)
        return self.proc.returncode


@pytest.fixture(scope="module")
def replicas(tmp_path_factory):
    if NGINX is None:
        pytest.skip("nginx is not installed (.ci/run installs nginx-light)")
    data = write_dataset(tmp_path_factory.mktemp("replica-data"))
    deployment = Replicas(tmp_path_factory.mktemp("replicas"), data)
    yield deployment
    assert deployment.stop() == 0, deployment.out.read_text()
    for port in deployment.ports:  # the launcher stopped its replicas and removed their pid files
        assert not (deployment.workdir / f"replica-{port}.pid").exists()


def test_the_proxy_hands_out_one_replica_cookie_and_keeps_the_headers(replicas):
    with urllib.request.urlopen(replicas.url + "/", timeout=10) as r:
        cookies = [c for c in r.headers.get_all("Set-Cookie") if c.startswith("replica=")]
        assert r.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert len(cookies) == 1 and "HttpOnly" in cookies[0]
    key = cookies[0].split(";")[0].removeprefix("replica=")
    again = urllib.request.Request(replicas.url + "/_stcore/health", headers={"Cookie": f"replica={key}"})
    for _ in range(5):
        with urllib.request.urlopen(again, timeout=10) as r:
            assert not [c for c in r.headers.get_all("Set-Cookie") or [] if c.startswith("replica=")]
    assert len(set(replicas.upstreams(key))) == 1 and len(replicas.upstreams(key)) == 6
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(replicas.url + "/_stcore/metrics", timeout=5)
    assert err.value.code == 404


def explorer_count(page) -> int:
    text = page.get_by_text(re.compile(r"models match")).first.inner_text()
    return int(re.search(r"(\d+) models match", text).group(1))


def replica_key(context) -> str:
    return next(c["value"] for c in context.cookies() if c["name"] == "replica")


@pytest.mark.browser
@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs nginx-light)")
def test_two_replicas_behind_nginx_keep_each_session_on_one_replica_and_survive_losing_one(replicas):
    from playwright.sync_api import sync_playwright

    counts = Counter(m["country"] for m in MODELS)
    with sync_playwright() as p:
        browser = p.chromium.launch(**launch_kwargs())
        try:
            # Visitor A: a page through the proxy, on one replica, which holds its session.
            a = browser.new_context(viewport={"width": 1400, "height": 1600})
            page_a = a.new_page()
            page_a.goto(replicas.url + "/explorer?country=CN")
            wait_ready(page_a)
            assert explorer_count(page_a) == counts["CN"]
            key_a = replica_key(a)
            (home,) = set(replicas.upstreams(key_a))
            other = next(port for port in replicas.ports if port != home)
            assert (replicas.active_sessions(home), replicas.active_sessions(other)) == (1, 0)

            # Visitor B: new browsers get new keys until one hashes to the other replica (each key is random, so
            # each try is a coin toss; 40 tails in a row happen once in 10^12).
            for _ in range(40):
                b = browser.new_context(viewport={"width": 1400, "height": 1600})
                b.request.get(replicas.url + "/_stcore/health")
                if set(replicas.upstreams(replica_key(b))) == {other}:
                    break
                b.close()
            else:
                pytest.fail("no visitor reached the second replica")
            page_b = b.new_page()
            page_b.goto(replicas.url + "/explorer?country=US")
            wait_ready(page_b)
            assert explorer_count(page_b) == counts["US"]
            assert (replicas.active_sessions(home), replicas.active_sessions(other)) == (1, 1)

            # A changes a filter: the rerun goes over A's proxied websocket to A's replica, no new session.
            box = page_a.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Country")
            box.locator("input").click()
            box.locator("input").fill("FR")
            page_a.keyboard.press("Enter")
            page_a.keyboard.press("Escape")
            wait_ready(page_a)
            assert "country=France+%28FR%29" in page_a.url  # the widget writes its label
            assert explorer_count(page_a) == counts["CN"] + counts["FR"]
            assert set(replicas.upstreams(key_a)) == {home}
            assert set(replicas.upstreams(replica_key(b))) == {other}
            assert (replicas.active_sessions(home), replicas.active_sessions(other)) == (1, 1)

            # B's replica stops. B's open page reconnects by itself, through the proxy, to the replica left, which
            # runs it again from the URL; and new visitors are served there too.
            os.kill(replicas.replica_pid(other), signal.SIGTERM)
            for _ in range(300):  # nginx logs a websocket when it closes: B's, on the replica that stopped
                if replicas.upstreams(replica_key(b), "/_stcore/stream") == [other]:
                    break
                time.sleep(0.2)
            else:
                pytest.fail(f"B's websocket did not close: {replicas.upstreams(replica_key(b))}")
            for _ in range(300):
                if replicas.active_sessions(home) == 2:
                    break
                time.sleep(0.2)
            else:
                pytest.fail("B did not reconnect to the replica left")
            wait_ready(page_b)
            assert explorer_count(page_b) == counts["US"]
            assert replicas.active_sessions(home) == 2
            c = browser.new_context(viewport={"width": 1400, "height": 1600})
            page_c = c.new_page()
            page_c.goto(replicas.url + "/explorer?country=FR")
            wait_ready(page_c)
            assert explorer_count(page_c) == counts["FR"]
            assert replicas.active_sessions(home) == 3  # A, B again, C
            assert "replica" in replicas.out.read_text() and f"{other} exited" in replicas.out.read_text()
        finally:
            browser.close()
    assert [ln for ln in (replicas.workdir / f"replica-{home}.log").read_text().splitlines()
            if "Traceback" in ln or "Exception" in ln] == []


@pytest.mark.browser
@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (.ci/run installs nginx-light)")
def test_the_load_run_through_two_replicas_sees_each_sessions_own_results(tmp_path):
    """bench/load.py --replicas 2, short: websocket sessions through nginx (each with its replica cookie) get
    the results of their own filters; the table sets them against one replica reached directly."""
    import asyncio

    sys.path.insert(0, str(ROOT / "bench"))
    import load

    data = write_dataset(tmp_path)
    direct = asyncio.run(load.run_deployment(4, 8, data, 1, proxy=False))
    proxied = asyncio.run(load.run_deployment(4, 8, data, 2, proxy=True))
    for stats in (direct, proxied):
        assert (stats["mismatches"], stats["errors"], stats["server_log_errors"]) == ([], [], [])
        assert stats["interactions"] >= 4
    assert sum(map(int, proxied["split"].split(" / "))) == 4  # every session's websocket went through nginx
    table = load.comparison_table(direct, proxied)
    print("\n" + table)
    assert "| page runs per second" in table and "2 replicas, nginx" in table and "x |" in table
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

"""Several replicas of the dashboard behind nginx on one machine.

Builds the database once (python -m openmodels build), starts N replicas on consecutive ports that all serve
that one DuckDB file through read-only connections, then nginx in front of them with sticky sessions
(deploy/nginx-replicas.conf). Runs until Ctrl-C or SIGTERM, then stops everything it started.

    .venv/bin/python deploy/replicas.py --replicas 2 --port 8501 --proxy-port 8080

The replicas never race on the database: the build before they start leaves it current, so they only open it;
should the CSVs change while they run, each replica's next page run rebuilds under the lock of the data folder
(build.build_lock), so one of them builds and the others find the new file current. Files go to --workdir:
nginx.conf, access.log (which replica served each request), error.log, replica-<port>.log and .pid.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = ROOT / "deploy" / "nginx-replicas.conf"

# The command that starts one replica, run from the project folder; {python} (this interpreter), {root} (the
# project folder) and {port} are filled in. To serve the app another way (an ASGI server, say), change this one
# value (or pass --command): the replica must listen on 127.0.0.1:{port} and answer GET /_stcore/health with "ok".
REPLICA_COMMAND = ("{python} -m streamlit run {root}/asgi.py --server.address 127.0.0.1 --server.port {port} "
                   "--server.headless true --browser.gatherUsageStats false "
                   "--server.fileWatcherType none --runner.postScriptGC false")


def stop_process(proc: subprocess.Popen | None) -> None:
    """Stop a process this launcher started: SIGTERM, then SIGKILL after 10 s."""
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def free_ports(n: int) -> int:
    """The first of n consecutive ports that are free on 127.0.0.1 now."""
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            first = s.getsockname()[1]
        try:
            for port in range(first, first + n):
                with socket.socket() as s:
                    s.bind(("127.0.0.1", port))
            return first
        except OSError:
            continue


def find_nginx() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


def nginx_conf(replica_ports: list[int], proxy_port: int, template: str | None = None) -> str:
    """deploy/nginx-replicas.conf with one `server` line per replica port and the proxy's port."""
    text = template if template is not None else TEMPLATE.read_text()
    lines = text.splitlines(keepends=True)
    marked = [i for i, ln in enumerate(lines) if ln.rstrip().endswith("# REPLICA")]
    if not marked:
        raise ValueError("the nginx template has no '# REPLICA' server line")
    example = lines[marked[0]]
    servers = [re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", example) for port in replica_ports]
    lines = lines[:marked[0]] + servers + [ln for i, ln in enumerate(lines[marked[0]:], marked[0]) if i not in marked]
    out = "".join(lines)
    out, n = re.subn(r"listen 127\.0\.0\.1:\d+;", f"listen 127.0.0.1:{proxy_port};", out)
    if n != 1:
        raise ValueError("the nginx template needs exactly one 'listen 127.0.0.1:<port>;'")
    return out


def wait_healthy(url: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{url} exited with code {proc.returncode}: {log.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.read() == b"ok":
                    return
        time.sleep(0.3)
    raise TimeoutError(f"{url}/_stcore/health did not answer within {timeout:g} s")


class Replica:
    def __init__(self, port: int, workdir: Path, command: str, env: dict[str, str]):
        self.port, self.command, self.env = port, command, env
        self.url = f"http://127.0.0.1:{port}"
        self.log = workdir / f"replica-{port}.log"
        self.pidfile = workdir / f"replica-{port}.pid"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        argv = shlex.split(self.command.format(python=shlex.quote(sys.executable), root=shlex.quote(str(ROOT)),
                                               port=self.port))
        with open(self.log, "w") as log:
            self.proc = subprocess.Popen(argv, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.pidfile.write_text(f"{self.proc.pid}\n")

    def stop(self) -> None:
        stop_process(self.proc)
        self.pidfile.unlink(missing_ok=True)


class Deployment:
    """N replicas and, with proxy=True, nginx in front. A context manager: everything stops on exit."""

    def __init__(self, replicas: int = 2, port: int = 8501, proxy_port: int = 8080, workdir: Path | None = None,
                 data_dir: Path | None = None, command: str = REPLICA_COMMAND, proxy: bool = True,
                 nginx: str | None = None):
        if replicas < 1:
            raise ValueError("--replicas must be at least 1")
        self.workdir = Path(workdir or ROOT / "artifacts" / "replicas")
        self.data_dir, self.proxy, self.proxy_port = data_dir, proxy, proxy_port
        self.nginx = nginx or find_nginx()
        if proxy and self.nginx is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx-light)")
        env = dict(os.environ)
        if data_dir:
            env["OPENMODELS_DATA_DIR"] = str(data_dir)
        self.env = env
        self.replicas = [Replica(port + i, self.workdir, command, env) for i in range(replicas)]
        self.url = f"http://127.0.0.1:{proxy_port}" if proxy else self.replicas[0].url
        self.nginx_proc: subprocess.Popen | None = None

    def build(self) -> str:
        """Build the database once, before any replica starts (replicas then only open it)."""
        argv = [sys.executable, "-m", "openmodels"] + (["--data-dir", str(self.data_dir)] if self.data_dir else [])
        done = subprocess.run(argv + ["build"], cwd=ROOT, env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            raise RuntimeError(f"the build failed, no replica was started:\n{done.stdout[-3000:]}{done.stderr}")
        return done.stdout.strip()

    def start(self) -> "Deployment":
        self.workdir.mkdir(parents=True, exist_ok=True)
        try:
            self.build()
            for r in self.replicas:
                r.start()
            for r in self.replicas:
                wait_healthy(r.url, r.proc, r.log)
            if self.proxy:
                self._start_nginx()
        except BaseException:
            self.stop()
            raise
        return self

    def _start_nginx(self) -> None:
        (self.workdir / "tmp").mkdir(exist_ok=True)
        conf = self.workdir / "nginx.conf"
        conf.write_text(nginx_conf([r.port for r in self.replicas], self.proxy_port))
        for name in ("access.log", "error.log"):
            (self.workdir / name).write_text("")
        with open(self.workdir / "nginx.stderr", "w") as err:
            self.nginx_proc = subprocess.Popen([self.nginx, "-p", str(self.workdir), "-c", str(conf),
                                                "-g", "daemon off;"], stderr=err)
        wait_healthy(self.url, self.nginx_proc, self.workdir / "nginx.stderr", timeout=30)

    def stop(self) -> None:
        stop_process(self.nginx_proc)
        for r in self.replicas:
            r.stop()

    def __enter__(self) -> "Deployment":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--replicas", type=int, default=2, help="how many replicas (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the first replica's port; the others follow it")
    parser.add_argument("--proxy-port", type=int, default=8080, help="nginx listens on 127.0.0.1 at this port")
    parser.add_argument("--workdir", type=Path, default=ROOT / "artifacts" / "replicas",
                        help="nginx's prefix: its config, logs and temp files, and the replicas' logs")
    parser.add_argument("--data-dir", type=Path, default=None, help="the data folder every replica serves")
    parser.add_argument("--command", default=REPLICA_COMMAND, help="the command that starts one replica")
    args = parser.parse_args(argv)

    stopping = False

    def stop(signum, frame):  # noqa: ARG001
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    deployment = Deployment(args.replicas, args.port, args.proxy_port, args.workdir.resolve(), args.data_dir,
                            args.command)
    try:
        deployment.start()
    except (RuntimeError, TimeoutError, ValueError) as err:
        print(f"replicas: {err}", file=sys.stderr)
        return 1
    ports = ", ".join(str(r.port) for r in deployment.replicas)
    print(f"Serving {deployment.url} through nginx; replicas on 127.0.0.1: {ports}; logs in {deployment.workdir}",
          flush=True)
    gone: set[int] = set()
    try:
        while not stopping and deployment.nginx_proc.poll() is None:
            for r in deployment.replicas:
                if r.port not in gone and r.proc.poll() is not None:
                    gone.add(r.port)
                    print(f"replica {r.port} exited (code {r.proc.returncode}); nginx sends its visitors to the "
                          "others", file=sys.stderr, flush=True)
            time.sleep(0.5)
    finally:
        deployment.stop()
    return 0 if stopping else 1


if __name__ == "__main__":
    sys.exit(main())

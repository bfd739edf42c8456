"""One link for a team: N Streamlit processes behind Caddy, started and stopped by one command.

`python -m dashboard.serve --workers N` (what `make serve WORKERS=N` runs). Why each part:
- N processes: one Streamlit process runs one script at a time per session but shares one Python (one core) among
  all of them; more processes use more cores.
- Sticky sessions (Caddy's `lb_policy cookie`): a Streamlit session lives in the process that opened it, so a
  browser must keep talking to that process. When its process goes away, Caddy's health checks mark it down and
  the browser's reconnect lands on another process, which starts a fresh session of the same URL (the filters
  live in the URL, so the view is the same).
- Static files (Leaflet, the basemap) are served by Caddy from `static/`, once for all processes, with a cache
  header: they hold no article data, and no Python process spends time on them.
- One cookie secret for every process, so a cookie signed by one is valid in the others. Access modes need
  nothing more: OIDC's login cookie is signed with the secrets' `cookie_secret` (the same file for all), the team
  password is checked by whichever process holds the session (after a failover the reader enters it again).
Caddy compresses what it sends (Streamlit's own scripts are 4.8 MB as Streamlit serves them, about a quarter of
that compressed). Each response says which process served it (`X-Dateline-Worker`), for the tests and for whoever runs it.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORKER_HEADER = "X-Dateline-Worker"
STICKY_COOKIE = "dateline_worker"
START_SECONDS = 90  # a worker's first start imports pandas, folium and the storage package


def caddyfile(host: str, port: int, workers: list[int], static: Path, state: Path) -> str:
    upstreams = " ".join(f"127.0.0.1:{p}" for p in workers)
    return f"""{{
\tadmin off
\tauto_https off
\tstorage file_system {state}
}}
http://:{port} {{
\tbind {host}
\tencode zstd gzip
\thandle /app/static/* {{
\t\turi strip_prefix /app/static
\t\troot * {static}
\t\theader Cache-Control "public, max-age=86400"
\t\tfile_server
\t}}
\thandle {{
\t\treverse_proxy {upstreams} {{
\t\t\tlb_policy cookie {STICKY_COOKIE}
\t\t\tlb_try_duration 10s
\t\t\tfail_duration 30s
\t\t\tmax_fails 1
\t\t\thealth_uri /_stcore/health
\t\t\thealth_interval 2s
\t\t\theader_down {WORKER_HEADER} {{http.reverse_proxy.upstream.hostport}}
\t\t}}
\t}}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_worker(port: int, cookie_secret: str, extra: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.headless", "true",
         "--server.address", "127.0.0.1", "--server.port", str(port), *extra], cwd=ROOT,
        env={**os.environ, "STREAMLIT_SERVER_COOKIE_SECRET": cookie_secret},
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
            return response.read() == b"ok"
    except OSError:
        return False


def serve(workers: int, host: str, port: int, extra: list[str]) -> int:
    caddy = shutil.which("caddy")
    if caddy is None:
        print("serve: caddy is not installed (Debian package `caddy`; `make serve` installs it)", file=sys.stderr)
        return 3
    state = Path(tempfile.mkdtemp(prefix="dateline-serve-"))
    ports = [free_port() for _ in range(workers)]
    secret = os.environ.get("DATELINE_COOKIE_SECRET") or secrets.token_urlsafe(32)
    processes = [start_worker(p, secret, extra) for p in ports]
    config = state / "Caddyfile"
    config.write_text(caddyfile(host, port, ports, ROOT / "static", state))
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    try:
        deadline = time.monotonic() + START_SECONDS
        while not all(healthy(p) for p in ports):
            if any(p.poll() is not None for p in processes) or time.monotonic() > deadline:
                print("serve: a Streamlit worker did not start (run `make demo` to see why)", file=sys.stderr)
                return 3
            time.sleep(0.3)
        log = state / "caddy.log"
        with log.open("w") as sink:  # Caddy holds its own copy of the file
            proxy = subprocess.Popen([caddy, "run", "--config", str(config), "--adapter", "caddyfile"],
                                     stdout=subprocess.DEVNULL, stderr=sink,
                                     env={**os.environ, "HOME": str(state), "XDG_DATA_HOME": str(state),
                                          "XDG_CONFIG_HOME": str(state)})
        processes.append(proxy)
        for worker, process in zip(ports, processes):
            print(f"worker 127.0.0.1:{worker} pid {process.pid}")
        print(f"Dateline: http://{host}:{port}/ ({workers} workers behind Caddy; Ctrl-C stops them)", flush=True)
        while not stopping and proxy.poll() is None:
            time.sleep(0.5)
        if proxy.poll() not in (None, 0):
            last = (log.read_text().strip().splitlines() or ["no output"])[-1]
            print(f"serve: caddy stopped: {last}", file=sys.stderr)
            return 3
        return 0
    except KeyboardInterrupt:
        return 0
    finally:
        for process in processes:
            if process.poll() is None:
                process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(state, ignore_errors=True)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard.serve", description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="Streamlit processes (default 2)")
    parser.add_argument("--host", default="127.0.0.1", help="address the link listens on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8501, help="port of the link (default 8501)")
    args, extra = parser.parse_known_args(argv)
    if args.workers < 1:
        print("serve: --workers must be at least 1", file=sys.stderr)
        return 2
    return serve(args.workers, args.host, args.port, extra)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

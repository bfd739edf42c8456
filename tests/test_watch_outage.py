"""`watch` while its PostgreSQL server goes away mid-round and comes back: it says so in one line, waits, and then
stores every article exactly once — nothing fetched is dropped."""
from __future__ import annotations

import io
import threading
import time

import pytest
from http_site import Site, serving
from stores import PostgresServer, rows

from pipeline import watch
from pipeline.runner import Runner
from pipeline.sources import Settings, Source
from pipeline.watch import Watcher

TOWNS = ["Dhaka", "Sylhet", "Khulna"]


def _page(town: str) -> bytes:
    return (f"<html><head><title>Floods in {town}</title><meta property='article:published_time' "
            f"content='2022-09-12'></head><body><article><h1>Floods in {town}</h1><p>Floods reached {town} on Monday, "
            "officials said, cutting roads across the district and closing schools for the week.</p></article>"
            "</body></html>").encode()


def _until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


@pytest.fixture
def server():
    found = PostgresServer(durable=True).start()
    yield found
    found.remove()


def test_the_database_gone_mid_round_is_waited_for_and_nothing_fetched_is_lost(server, extractor, monkeypatch):
    monkeypatch.setattr(watch, "OUTAGE_WAIT_S", 0.5)
    db = server.new_database()
    site = Site()
    items = "".join(f"<item><title>{t}</title><link>/news/{t}</link></item>" for t in TOWNS)
    site.routes["/rss"] = lambda h: ((304, {}, b"") if h.get("If-None-Match") == '"v1"' else
                                     (200, {"ETag": '"v1"'}, f'<rss version="2.0"><channel>{items}</channel></rss>'.encode()))
    for town in TOWNS:
        site.routes[f"/news/{town}"] = (200, {"Content-Type": "text/html"}, _page(town))
    gone = []

    def second_page(headers):  # the server goes away while the second article is on its way
        if not gone:
            gone.append(1)
            server.stop()
        return 200, {"Content-Type": "text/html"}, _page(TOWNS[1])
    site.routes[f"/news/{TOWNS[1]}"] = second_page
    out, err, stop = io.StringIO(), io.StringIO(), threading.Event()
    with serving(site) as url:
        site.url = url
        watcher = Watcher(Runner(db, extractor=extractor), [Source("Wire", "feed", (url + "/rss",), 900)],
                          Settings(contact="x", per_host_s=0.0))
        thread = threading.Thread(target=watcher.run, args=(False, stop, out, err), daemon=True)
        thread.start()
        try:
            assert _until(lambda: "database unavailable" in err.getvalue(), 60), err.getvalue()
            server.start()
            assert _until(lambda: rows(db, "SELECT COUNT(*) FROM articles WHERE status = 'stored'")[0][0] == 3, 120), \
                (out.getvalue(), err.getvalue())
        finally:
            stop.set()
            thread.join(timeout=60)
    assert not thread.is_alive()
    lines = err.getvalue().splitlines()
    assert lines and all(line.startswith("database unavailable: postgresql://") for line in lines)
    assert "Traceback" not in err.getvalue() + out.getvalue()
    stored = rows(db, "SELECT url FROM articles WHERE status = 'stored'")
    assert sorted(u for (u,) in stored) == sorted(f"{site.url}/news/{t}" for t in TOWNS)  # each once
    assert rows(db, "SELECT COUNT(*) FROM fetched_urls WHERE done = 0")[0][0] == 0


def test_watch_once_with_the_database_gone_is_one_line_and_exit_3(server, tmp_path):
    """For cron, --once does not wait: one line, exit 3, and the next run picks up."""
    import subprocess
    import sys

    from pipeline import config

    db = server.new_database()
    server.stop()
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "Wire"\nkind = "feed"\nurl = "http://127.0.0.1:9/rss"\nevery = "15m"\n')
    done = subprocess.run([sys.executable, "-m", "pipeline", "watch", "--once", "--sources", str(sources), "--db", db],
                          cwd=config.ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 3 and done.stderr.startswith("error: postgresql://") and "Traceback" not in done.stderr

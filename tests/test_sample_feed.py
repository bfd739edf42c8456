"""`python -m pipeline sample-feed`: the sample articles served on 127.0.0.1 as feeds, released over time, and
watched by `watch` like any source — the live flow without the internet."""
from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from datetime import date

from stores import _free_port, raw

from pipeline import config
from pipeline.models import Article
from pipeline.sample_feed import Sample, SampleSite, samples, sources_file
from pipeline.sources import load

HOSTILE = Article(article_id="abc123", text="Shelling hit <script>alert(1)</script> Kharkiv.\n\nPower failed.",
                  origin="t", source="Odd & Co", title='<b>Kharkiv</b> "hit"', published=date(2022, 9, 10))
PLAIN = Article(article_id="def456", text="Floods reached Dhaka on Monday.", origin="t", source="Odd & Co",
                title="Floods", published=date(2022, 9, 12))


def test_articles_come_out_one_at_a_time_and_their_text_is_escaped_everywhere():
    now = [0.0]
    site = SampleSite([Sample("odd-co", HOSTILE), Sample("odd-co", PLAIN)], every_s=10, initial=1,
                      clock=lambda: now[0])
    status, kind, feed = site.answer("/odd-co/feed.xml", "http://127.0.0.1:1")
    assert status == 200 and kind.startswith("application/rss+xml")
    assert b"abc123.html" in feed and b"def456" not in feed  # the second is not out yet
    assert site.answer("/odd-co/def456.html", "http://127.0.0.1:1")[0] == 404
    now[0] = 10.5
    assert b"def456.html" in site.answer("/odd-co/feed.xml", "http://127.0.0.1:1")[2]
    page = site.answer("/odd-co/abc123.html", "http://127.0.0.1:1")[2]
    assert b"<script>" not in page and b"<b>Kharkiv" not in page and b"<b>" not in feed
    assert b"&lt;script&gt;" in page and b"<p>Power failed.</p>" in page
    assert b'content="2022-09-10"' in page
    assert site.answer("/nothing/feed.xml", "x")[0] == 404 and site.answer("/../etc/passwd", "x")[0] == 404


def test_the_written_sources_file_names_one_feed_per_source(tmp_path):
    found = samples([str(config.ROOT / "data" / "articles")])
    assert len(found) >= 10 and [s.article.published for s in found if s.article.published] == sorted(
        s.article.published for s in found if s.article.published)  # oldest first
    path = tmp_path / "sources.toml"
    path.write_text(sources_file(found + [Sample("odd-co", HOSTILE)], "http://127.0.0.1:9"))
    settings, sources, problems = load(path)
    assert problems == [] and "Odd & Co" in [s.name for s in sources]
    assert len(sources) == len({s.slug for s in found}) + 1 and all(s.kind == "feed" for s in sources)


def test_watch_takes_the_sample_feeds_into_the_database_as_they_come(tmp_path, db_name):
    articles = tmp_path / "articles"
    articles.mkdir()
    lines = [{"text": f"Officials said floods reached {town} on Monday, cutting roads across the district.",
              "source": "Delta Daily", "title": f"Floods in {town}", "published": f"2022-09-1{i}"}
             for i, town in enumerate(["Dhaka", "Sylhet", "Khulna"])]
    (articles / "dump.jsonl").write_text("\n".join(json.dumps(line) for line in lines))
    port, sources = _free_port(), tmp_path / "sources.toml"
    feed = subprocess.Popen([sys.executable, "-m", "pipeline", "sample-feed", str(articles), "--port", str(port),
                             "--every", "15s", "--sources-out", str(sources)], cwd=config.ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert "serving 3 sample articles" in feed.stdout.readline()  # the sources file is written by then
        started = time.monotonic()

        def watch() -> str:
            done = subprocess.run([sys.executable, "-m", "pipeline", "watch", "--once", "--sources", str(sources),
                                   "--db", db_name], cwd=config.ROOT, capture_output=True, text=True, timeout=300)
            assert done.returncode == 0, done.stderr
            return done.stdout

        assert "Delta Daily: 2 fetched, 1 new" in watch()  # the feed and the one article out
        time.sleep(max(0.0, started + 16 - time.monotonic()))  # the second is out 15 s in, the third 30 s in
        assert "Delta Daily: 2 fetched, 1 new" in watch()  # the feed, then only the new article
        with raw(db_name) as db:
            stored = db.all("SELECT title, published_date, published_basis FROM articles WHERE status = 'stored'"
                            " ORDER BY published_date")
        assert [tuple(r) for r in stored] == [("Floods in Dhaka", "2022-09-10", "page"),
                                              ("Floods in Sylhet", "2022-09-11", "page")]
    finally:
        feed.send_signal(signal.SIGTERM)
        assert feed.wait(timeout=30) == 0

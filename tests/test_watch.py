"""`python -m pipeline watch --once` against a real feed and real pages served on 127.0.0.1, into a real database."""
from __future__ import annotations

import subprocess
import sys

import pytest
from http_site import Site, serving

from pipeline import config
from pipeline.storage import open_store
from stores import raw

PAGE = """<html><head><title>{title}</title>{meta}</head><body><nav>Home | World</nav>
<article><h1>{title}</h1><p>{text}</p><p>Residents said the shelling continued through the night.</p></article>
<footer>Copyright Wire</footer></body></html>"""
RSS = """<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title><link>{url}/</link>
<item><title>Balakliia retaken</title><link>/news/balakliia</link><pubDate>Sat, 10 Sep 2022 09:00:00 GMT</pubDate>
<description><![CDATA[Ukrainian forces <b>retook</b> Balakliia.]]></description></item>
<item><title>Strikes on Kharkiv</title><link>{url}/news/kharkiv</link><pubDate>Sun, 11 Sep 2022 08:00:00 GMT</pubDate>
</item>
<item><title>No link here</title></item>
</channel></rss>"""


def _page(title: str, text: str, published: str | None = None) -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    return PAGE.format(title=title, text=text, meta=meta).encode()


def watch(sources, db) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", "watch", "--once", "--sources", str(sources), "--db",
                           str(db)], cwd=config.ROOT, capture_output=True, text=True, timeout=300)


@pytest.fixture
def wire(tmp_path):
    site = Site()
    with serving(site) as url:
        site.url = url
        site.routes["/rss"] = lambda h: ((304, {}, b"") if h.get("If-None-Match") == '"r1"'
                                         else (200, {"ETag": '"r1"', "Content-Type": "application/rss+xml"},
                                               RSS.format(url=url).encode()))
        site.routes["/news/balakliia"] = (200, {"Content-Type": "text/html"}, _page(
            "Balakliia retaken", "Ukrainian forces recaptured Izyum on Friday after a rapid advance south-east of "
            "Kharkiv, officials said on Saturday.", "2022-09-10"))
        site.routes["/news/kharkiv"] = (200, {"Content-Type": "text/html"}, _page(
            "Strikes on Kharkiv", "Russian missiles struck a power station in Kharkiv on Saturday evening, "
            "cutting electricity across the city, the regional governor said."))
        sources = tmp_path / "sources.toml"
        sources.write_text(f'[settings]\ncontact = "desk@example.org"\nper_host = "1s"\n\n[[sources]]\n'
                           f'name = "Wire"\nkind = "feed"\nurl = "{url}/rss"\nevery = "15m"\n')
        yield site, sources


def test_one_round_stores_the_feeds_new_pages_and_the_next_costs_a_304(wire, db_name):
    site, sources = wire
    first = watch(sources, db_name)
    assert first.returncode == 0, first.stderr
    assert "Wire: 3 fetched, 2 new, 0 unchanged, 0 failed" in first.stdout
    with raw(db_name) as db:
        stored = {r[0]: r[1:] for r in db.all("SELECT url, source, published_date, published_basis FROM articles"
                                               " WHERE status = 'stored'")}
        assert stored == {site.url + "/news/balakliia": ("Wire", "2022-09-10", "page"),  # the page's own date
                          site.url + "/news/kharkiv": ("Wire", "2022-09-11", "feed")}  # none on the page: the feed's
        places = {r[0] for r in db.all("SELECT place_name FROM events")}
        assert "Kharkiv" in places  # the pages went through the whole pipeline
        fetches = db.all("SELECT url, status, outcome FROM fetches ORDER BY at")
        assert (site.url + "/rss", 200, "ok") in [tuple(f) for f in fetches] and len(fetches) == 3
    assert all("desk@example.org" in headers["User-Agent"] for _, headers, _ in site.requests)

    again = watch(sources, db_name)
    assert again.returncode == 0 and "Wire: 1 fetched, 0 new, 1 unchanged, 0 failed" in again.stdout
    assert site.paths().count("/news/balakliia") == 1  # a stored item is not fetched again
    with open_store(db_name).reading() as reader:
        assert reader.url_states([site.url + "/rss"])[site.url + "/rss"].etag == '"r1"'


def test_a_failed_item_is_tried_again_next_round_and_the_good_ones_go_on(wire, db_name):
    site, sources = wire
    site.routes["/news/kharkiv"] = (500, {}, b"")
    first = watch(sources, db_name)
    assert first.returncode == 0 and "Wire: 3 fetched, 1 new, 0 unchanged, 1 failed" in first.stdout, first.stdout
    site.routes["/news/kharkiv"] = (200, {"Content-Type": "text/html"}, _page(
        "Strikes on Kharkiv", "Russian missiles struck a power station in Kharkiv on Saturday evening."))
    again = watch(sources, db_name)
    assert "Wire: 2 fetched, 1 new, 0 unchanged, 0 failed" in again.stdout, again.stdout  # Balakliia is done
    # The feed came whole (its ETag was dropped while an item was not done): a 304 would have hidden Kharkiv.
    feeds = [headers for path, headers, _ in site.requests if path == "/rss"]
    assert len(feeds) == 2 and "If-None-Match" not in feeds[1]
    with raw(db_name) as db:
        assert db.one("SELECT COUNT(*) FROM articles WHERE status = 'stored'")[0] == 2
        assert db.one("SELECT COUNT(*) FROM fetches WHERE outcome = 'failed'")[0] == 1


def test_a_bad_sources_file_is_one_line_and_exit_3(tmp_path, db_name):
    sources = tmp_path / "sources.toml"
    sources.write_text('[[sources]]\nname = "X"\nkind = "podcast"\nurl = "https://x.example/"\nevery = "1h"\n')
    result = watch(sources, db_name)
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "'X'" in result.stderr and "no source to poll" in result.stderr


ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A</title>
<entry><title>One &amp; two</title><link href="/a/1" rel="alternate"/><updated>2022-09-10T08:00:00Z</updated>
<content type="html">&lt;p&gt;Text &lt;b&gt;here&lt;/b&gt;&lt;/p&gt;</content></entry></feed>"""
RDF = b"""<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>R</title></channel>
<item rdf:about="https://r.example/x"><title>X</title><link>https://r.example/x</link><dc:date>2022-09-09</dc:date>
</item></rdf:RDF>"""
SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://s.example/2022/09/10/story</loc><news:news><news:publication_date>2022-09-10T07:00:00Z
</news:publication_date><news:title>Story</news:title></news:news></url>
<url><loc> </loc></url></urlset>"""


def test_atom_rdf_and_news_sitemaps_list_their_items():
    from pipeline.fetch import Fetched
    from pipeline.watch import Item, _feed_items, _sitemap_items

    [atom], _ = _feed_items(Fetched("https://a.example/feed", "ok", 200, "https://a.example/feed", ATOM))
    assert (atom.url, atom.title, atom.text) == ("https://a.example/a/1", "One & two", "Text here")
    assert atom.published.startswith("2022-09-10")
    [rdf], _ = _feed_items(Fetched("https://r.example/rdf", "ok", 200, "https://r.example/rdf", RDF))
    assert (rdf.url, rdf.title, rdf.published) == ("https://r.example/x", "X", "2022-09-09")
    [story], _ = _sitemap_items(Fetched("https://s.example/news.xml", "ok", 200, "https://s.example/news.xml", SITEMAP))
    assert story.url == "https://s.example/2022/09/10/story" and story.published.strip() == "2022-09-10T07:00:00Z"
    assert story.title == "Story"
    broken = Fetched("https://s.example/x", "ok", 200, "https://s.example/x", b"<urlset><url><loc>unclosed")
    (none, why), (nothing, reason) = _sitemap_items(broken), _feed_items(broken)
    assert none == nothing == [] and why.startswith("not a readable sitemap") and reason.startswith("not a readable feed")
    assert Item("u").text is None


def _stored(db_name) -> int:
    with raw(db_name) as db:
        return db.one("SELECT COUNT(*) FROM articles WHERE status = 'stored'")[0]


@pytest.fixture
def slow_wire(wire):
    """The wire with four stories whose pages take a moment each, so a round can be stopped halfway."""
    import time

    site, sources = wire
    items = "".join(f"<item><title>Story {i}</title><link>{site.url}/story/{i}</link>"
                    f"<pubDate>Sat, 10 Sep 2022 0{i}:00:00 GMT</pubDate></item>" for i in range(4))
    site.routes["/rss"] = (200, {"Content-Type": "application/rss+xml"},
                           f'<?xml version="1.0"?><rss version="2.0"><channel><title>W</title>{items}</channel></rss>'
                           .encode())
    for i in range(4):
        def page(headers, i=i):
            time.sleep(0.5)
            return 200, {"Content-Type": "text/html"}, _page(f"Story {i}", f"Russian shelling hit Kharkiv on "
                                                                           f"Friday, story number {i} said.")
        site.routes[f"/story/{i}"] = page
    return site, sources


def _watching(sources, db_name) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pipeline", "watch", "--sources", str(sources), "--db",
                             str(db_name)], cwd=config.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _until(condition, seconds: float) -> bool:
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_kill_9_mid_round_loses_nothing_and_duplicates_nothing(slow_wire, db_name):
    import signal

    site, sources = slow_wire
    open_store(db_name).migrate()
    process = _watching(sources, db_name)
    try:
        assert _until(lambda: _stored(db_name) >= 1, 120), process.stderr.read() if process.poll() else ""
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert _stored(db_name) < 4  # stopped halfway
    again = watch(sources, db_name)
    assert again.returncode == 0, again.stderr
    with raw(db_name) as db:
        urls = [r[0] for r in db.all("SELECT url FROM articles WHERE status = 'stored'")]
    assert sorted(urls) == sorted(f"{site.url}/story/{i}" for i in range(4))  # each once


def test_sigterm_finishes_the_article_in_flight_and_exits_0(slow_wire, db_name):
    import signal

    _, sources = slow_wire
    open_store(db_name).migrate()
    process = _watching(sources, db_name)
    try:
        assert _until(lambda: _stored(db_name) >= 1, 120)
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0 and "Traceback" not in err
    assert "Wire: " in out and _stored(db_name) < 4  # the round's line, cut short

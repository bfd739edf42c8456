"""Two rounds of `watch` against a site that does everything a real one can do wrong, served on 127.0.0.1, with good
sources beside it: every fetch gets a recorded outcome and a readable line, the good sources deliver, and the
requests the site saw are counted (politeness is tested, not assumed)."""
from __future__ import annotations

import gzip
import time

import pytest
from http_site import Site, serving

from pipeline.fetch import FAILED, OK, REFUSED, TOO_BIG, UNCHANGED
from pipeline.runner import Runner
from pipeline.sources import Settings, Source
from pipeline.watch import MAX_TRIES, Watcher
from stores import raw

SETTINGS = Settings(contact="desk@example.org", per_host_s=0.0, timeout_s=0.5, deadline_s=1.5,
                    max_bytes=1_000_000, max_redirects=3, retries=1)
STORY = ("{lead} Officials said on Saturday that the water supply in {place} was cut for a second day, and "
         "residents queued at wells across the district while engineers inspected the damage.")


def page(title: str, lead: str, place: str, published: str | None = None, charset: str = "utf-8") -> bytes:
    meta = f'<meta property="article:published_time" content="{published}">' if published else ""
    declared = f'<meta charset="{charset}">' if charset != "utf-8" else ""
    html = (f"<html><head>{declared}<title>{title}</title>{meta}</head><body><nav>Home | World</nav><article>"
            f"<h1>{title}</h1><p>{STORY.format(lead=lead, place=place)}</p></article><footer>Wire</footer></body></html>")
    return html.encode(charset)


def rss(items: str) -> bytes:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Wire</title>{items}</channel></rss>'.encode()


GOOD_RSS = rss("""
<item><title>Dam hit</title><link>/news/a</link><pubDate>Sat, 10 Sep 2022 09:00:00 GMT</pubDate></item>
<item><title>Wells</title><link>/news/b</link><pubDate>Sun, 11 Sep 2022 08:00:00 GMT</pubDate></item>
<item><title>Shared</title><link>/news/shared</link><pubDate>Sun, 11 Sep 2022 10:00:00 GMT</pubDate></item>""")
ATOM = b"""<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Second</title>
<entry><title type="html">&lt;b&gt;Shared&lt;/b&gt; again</title><link href="/news/shared"/>
  <updated>2022-09-11T11:00:00Z</updated></entry>
<entry><title><![CDATA[Dam hit & wells <i>dry</i>]]></title><link href="/news/a-copy"/>
  <updated>2022-09-10T09:30:00Z</updated></entry>
<entry><title>No link at all</title><updated>2022-09-10T09:30:00Z</updated></entry>
<entry><title>Caf&#233; shut, no date</title><link href="news/undated"/></entry>
</feed>"""


def text_rss(lead: str) -> bytes:
    return rss(f"""<item><title>Feed text</title><link>/news/feedtext</link>
<pubDate>Mon, 12 Sep 2022 07:00:00 GMT</pubDate><description>{STORY.format(lead=lead, place="Mykolaiv")}</description>
</item>""")


def _trickle():
    for _ in range(60):
        time.sleep(0.1)
        yield b" "


def _huge():
    chunk = b"x" * 1_000_000
    for _ in range(50):  # 50 MB, as fast as the client reads
        yield chunk


def _once_busy():
    calls = []

    def route(headers):
        calls.append(1)
        if len(calls) == 1:
            return 503, {"Retry-After": "1"}, b"busy"
        return 200, {"Content-Type": "text/html"}, page("Back", "Generators arrived in Izium.", "Izium")
    return route


def _hang(headers):
    time.sleep(2)
    return 200, {}, b"late"


def _etagged(body: bytes, etag: str):
    return lambda h: (304, {}, b"") if h.get("If-None-Match") == etag else (200, {"ETag": etag}, body)


HTML = {"Content-Type": "text/html; charset=utf-8"}
PAGES = ["/chain1", "/loop", "/gone404", "/gone410", "/down500", "/busy503", "/hang", "/trickle", "/huge", "/bomb",
         "/octet", "/notype", "/cp1251", "/latin1", "/private/secret"]


@pytest.fixture
def hostile():
    site = Site()
    site.routes.update({
        "/robots.txt": (200, {"Content-Type": "text/plain"}, b"User-agent: *\nDisallow: /private/\n"),
        "/good.rss": _etagged(GOOD_RSS, '"g1"'),
        "/second.atom": lambda h: ((304, {}, b"") if h.get("If-Modified-Since") == "Sun, 11 Sep 2022 12:00:00 GMT"
                                   else (200, {"Last-Modified": "Sun, 11 Sep 2022 12:00:00 GMT",
                                               "Content-Type": "text/xml"}, ATOM)),
        "/broken.rss": (200, {"Content-Type": "application/rss+xml"}, b"<rss><channel><item><title>cut"),
        "/text.rss": (200, {}, text_rss("A missile struck a pumping station in Mykolaiv.")),
        "/news/a": (200, HTML, page("Dam hit", "A strike damaged the dam at Kakhovka.", "Nova Kakhovka", "2022-09-10")),
        "/news/a-copy": (200, HTML, page("Dam hit", "A strike damaged the dam at Kakhovka.", "Nova Kakhovka",
                                         "2022-09-10")),
        "/news/b": (200, HTML, page("Wells", "Wells ran dry in Kherson.", "Kherson")),
        "/news/shared": (200, HTML, page("Shared", "Repairs began in Zaporizhzhia.", "Zaporizhzhia")),
        "/news/undated": (200, HTML, page("Cafe", "A cafe in Odesa closed after a strike nearby.", "Odesa")),
        "/chain1": (301, {"Location": "/chain2"}, b""),
        "/chain2": (302, {"Location": "/news/moved"}, b""),
        "/news/moved": (200, HTML, page("Moved", "A bridge reopened in Kharkiv.", "Kharkiv", "2022-09-12")),
        "/loop": (302, {"Location": "/loop"}, b""),
        "/gone404": (404, {}, b"no"),
        "/gone410": (410, {}, b"gone"),
        "/down500": (500, {}, b"down"),
        "/busy503": _once_busy(),
        "/hang": _hang,
        "/trickle": lambda h: (200, HTML, _trickle()),
        "/huge": lambda h: (200, HTML, _huge()),
        "/bomb": (200, {"Content-Encoding": "gzip", "Content-Type": "text/html"}, gzip.compress(b" " * 20_000_000)),
        "/octet": (200, {"Content-Type": "application/octet-stream"},
                   page("Octet", "Power failed in Sumy.", "Sumy", "2022-09-12")),
        "/notype": (200, {}, page("Untyped", "Trains stopped in Poltava.", "Poltava", "2022-09-12")),
        "/cp1251": (200, {"Content-Type": "text/html; charset=windows-1251"},
                    page("Харків", "Вибухи пролунали в Харкові. Shelling hit Kharkiv.", "Kharkiv", "2022-09-12",
                         "windows-1251")),
        "/latin1": (200, {"Content-Type": "text/html"},
                    page("Besançon", "Floods reached Besançon and Dole.", "Besançon", "2022-09-12", "iso-8859-1")),
        "/private/secret": (200, HTML, page("Secret", "Nobody may read this in Lviv.", "Lviv")),
    })
    with serving(site) as url:
        site.url = url
        yield site


def _sources(url: str) -> list[Source]:
    return [Source("Good", "feed", (url + "/good.rss",), 900),
            Source("Second", "feed", (url + "/second.atom",), 900),
            Source("Broken", "feed", (url + "/broken.rss",), 900),
            Source("Feed text", "feed", (url + "/text.rss",), 900, full_pages=False),
            Source("Hostile", "pages", tuple(url + p for p in PAGES), 900)]


def _round(watcher: Watcher) -> dict:
    watcher.due = dict.fromkeys(watcher.due, 0.0)
    return watcher.round()


def test_a_hostile_site_is_recorded_line_by_line_and_the_good_sources_deliver(hostile, db_name, extractor):
    site = hostile
    runner = Runner(db_name, extractor=extractor)
    watcher = Watcher(runner, _sources(site.url), SETTINGS)
    started = time.monotonic()
    first = _round(watcher)
    assert time.monotonic() - started < 60  # every hang, trickle and retry is bounded

    assert (first["Good"].new, first["Good"].failed) == (3, 0)
    assert (first["Second"].new, first["Second"].unchanged, first["Second"].failed) == (1, 1, 0)  # undated; a copy
    assert first["Broken"].failed == 1 and "not a readable feed" in first["Broken"].problems[0]
    assert first["Feed text"].new == 1
    hostile_lines = "\n".join(first["Hostile"].lines("Hostile"))
    for path, reason in [("/loop", "more than 3 redirects"), ("/gone404", "HTTP 404"), ("/gone410", "HTTP 410"),
                         ("/down500", "HTTP 500"), ("/hang", "no answer within 0.5 s"),
                         ("/trickle", "answer took over 1.5 s"), ("/huge", "over 1,000,000 bytes"),
                         ("/bomb", "over 1,000,000 bytes"), ("/private/secret", REFUSED)]:
        assert f"  Hostile: {site.url}{path}: {reason}" in hostile_lines, (path, hostile_lines)
    assert first["Hostile"].new == 6  # the redirect chain, the 503 that came back, octet, untyped, two charsets
    assert "Traceback" not in hostile_lines

    # The site saw what politeness allows, and nothing it forbade.
    seen = site.paths()
    counts = {p: seen.count(p) for p in ["/robots.txt", "/private/secret", "/loop", "/down500", "/hang", "/gone404",
                                         "/busy503", "/news/shared", "/news/a", "/news/a-copy", "/news/undated"]}
    assert counts == {"/robots.txt": 1, "/private/secret": 0, "/loop": 4, "/down500": 2, "/hang": 2, "/gone404": 1,
                      "/busy503": 2, "/news/shared": 1, "/news/a": 1, "/news/a-copy": 1, "/news/undated": 1}
    assert all(h.get("User-Agent", "").startswith("Dateline/") for _, h, _ in site.requests)

    with raw(db_name) as db:
        texts = dict(db.all("SELECT url, text FROM articles WHERE status = 'stored'"))
        assert "Вибухи пролунали в Харкові" in texts[site.url + "/cp1251"]
        assert "Floods reached Besançon" in texts[site.url + "/latin1"]
        assert site.url + "/news/moved" not in texts and site.url + "/chain1" in texts  # kept at the URL asked for
        assert sum(url.endswith("/news/a") or url.endswith("/news/a-copy") for url in texts) == 1  # one story
        basis = dict(db.all("SELECT url, published_basis FROM articles WHERE status = 'stored'"))
        assert basis[site.url + "/news/undated"] == "fetched" and basis[site.url + "/news/a"] == "page"
        assert basis[site.url + "/news/b"] == "feed"
        outcomes = dict(db.all("SELECT url, outcome FROM fetches WHERE url IN (?, ?, ?, ?)",
                               tuple(site.url + p for p in ("/huge", "/private/secret", "/gone410", "/octet"))))
        assert outcomes == {site.url + "/huge": TOO_BIG, site.url + "/private/secret": REFUSED,
                            site.url + "/gone410": FAILED, site.url + "/octet": OK}
        huge_bytes = db.one("SELECT bytes FROM fetches WHERE url = ?", (site.url + "/huge",))[0]
        assert huge_bytes < 3_000_000  # stopped reading at the cap, not at 50 MB

    # Second round: the feeds cost a 304, nothing done is fetched again, a changed feed item replaces its article.
    site.routes["/text.rss"] = (200, {}, text_rss("A missile struck a water tower in Mykolaiv."))
    before = len(site.requests)
    second = _round(watcher)
    again = site.paths()[before:]
    assert (second["Good"].unchanged, second["Good"].fetched, second["Good"].new) == (1, 1, 0)
    assert (second["Second"].unchanged, second["Second"].fetched) == (1, 1)
    assert second["Feed text"].new == 1
    assert not {"/news/a", "/news/b", "/news/shared", "/news/a-copy", "/news/undated"} & set(again)
    assert "/robots.txt" not in again and "/private/secret" not in again
    with raw(db_name) as db:
        feed_text = db.all("SELECT text FROM articles WHERE url = ? AND status = 'stored'", (site.url + "/news/feedtext",))
        assert len(feed_text) == 1 and "water tower" in feed_text[0][0]
        with_outcome = db.one("SELECT COUNT(*) FROM fetches WHERE outcome IN (?, ?, ?, ?, ?)",
                              (OK, UNCHANGED, FAILED, REFUSED, TOO_BIG))[0]
        assert with_outcome == db.one("SELECT COUNT(*) FROM fetches")[0]  # every attempt has an outcome


def test_an_item_that_never_answers_is_given_up_after_its_tries_and_the_feed_costs_a_304_again(db_name, extractor):
    site = Site()
    site.routes["/feed.rss"] = _etagged(rss("<item><title>Dead</title><link>/dead</link></item>"), '"d1"')
    site.routes["/dead"] = (500, {}, b"")
    with serving(site) as url:
        watcher = Watcher(Runner(db_name, extractor=extractor), [Source("Wire", "feed", (url + "/feed.rss",), 900)],
                          Settings(contact="x", per_host_s=0.0, retries=0))
        for _ in range(MAX_TRIES + 2):
            _round(watcher)
    assert site.paths().count("/dead") == MAX_TRIES
    answers = [h.get("If-None-Match") for path, h, _ in site.requests if path == "/feed.rss"]
    assert answers == [None] * (MAX_TRIES + 1) + ['"d1"']  # whole while the item was pending, then conditional

"""Polite fetching (pipeline/fetch.py) against a real HTTP server on 127.0.0.1 that the tests start."""
from __future__ import annotations

import gzip
import time

import pytest
from http_site import Site, serving

from pipeline.fetch import FAILED, OK, REFUSED, ROBOTS_TTL_S, TOO_BIG, UNCHANGED, Fetcher
from pipeline.sources import Settings


FAST = Settings(contact="desk@example.org", per_host_s=0.0, timeout_s=2.0, max_bytes=10_000, retries=2)


@pytest.fixture
def site():
    found = Site()
    with serving(found) as url:
        found.url = url
        yield found


def fetcher(settings: Settings = FAST, waits: list | None = None) -> Fetcher:
    """A fetcher whose waits are recorded (and kept short, so the tests do not sleep for real)."""
    return Fetcher(settings, sleep=lambda s: (waits.append(s) if waits is not None else None, time.sleep(min(s, 0.05))))


def test_a_page_comes_with_our_user_agent_and_a_304_costs_nothing(site):
    site.routes["/feed"] = lambda h: ((304, {}, b"") if h.get("If-None-Match") == '"v1"'
                                      else (200, {"ETag": '"v1"', "Last-Modified": "Fri, 04 Dec 2026 10:00:00 GMT",
                                                  "Content-Type": "application/rss+xml"}, b"<rss/>"))
    f = fetcher()
    first = f.get(site.url + "/feed")
    assert (first.outcome, first.status, first.body, first.etag) == (OK, 200, b"<rss/>", '"v1"')
    again = f.get(site.url + "/feed", etag=first.etag, last_modified=first.last_modified)
    assert (again.outcome, again.status, again.body) == (UNCHANGED, 304, b"")
    _, headers, _ = site.requests[-1]
    assert headers["If-Modified-Since"] == "Fri, 04 Dec 2026 10:00:00 GMT"
    assert all("Dateline" in h["User-Agent"] and "desk@example.org" in h["User-Agent"] for _, h, _ in site.requests)
    assert site.paths().count("/robots.txt") == 1  # read once per site


def test_robots_txt_is_honoured_and_an_unreadable_one_stops_the_site(site):
    site.routes["/robots.txt"] = (200, {}, b"User-agent: *\nDisallow: /private/\n")
    site.routes["/private/page"] = (200, {}, b"secret")
    site.routes["/public/page"] = (200, {}, b"news")
    f = fetcher()
    assert f.get(site.url + "/private/page").outcome == REFUSED
    assert f.get(site.url + "/public/page").outcome == OK
    assert "/private/page" not in site.paths()  # refused before asking
    site.routes["/robots.txt"] = (500, {}, b"")
    down = fetcher(Settings(contact="x", per_host_s=0.0, retries=0)).get(site.url + "/public/page")
    assert down.outcome == FAILED and "robots.txt not read" in down.error


def test_a_long_lived_fetcher_reads_robots_txt_again_after_a_day(site):
    site.routes["/news"] = (200, {}, b"news")
    now = [1000.0]
    f = Fetcher(FAST, sleep=lambda s: None, clock=lambda: now[0])
    assert f.get(site.url + "/news").outcome == OK
    site.routes["/robots.txt"] = (200, {}, b"User-agent: *\nDisallow: /news\n")
    now[0] += ROBOTS_TTL_S - 1
    assert f.get(site.url + "/news").outcome == OK  # the answer of the day still holds
    now[0] += 2
    assert f.get(site.url + "/news").outcome == REFUSED
    assert site.paths().count("/robots.txt") == 2 and site.paths().count("/news") == 2


def test_bodies_are_capped_as_sent_and_as_decompressed(site):
    site.routes["/big"] = (200, {}, b"x" * 20_000)
    bomb_body = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb_body) < FAST.max_bytes  # small as sent: only the decompressed count can catch it
    site.routes["/bomb"] = (200, {"Content-Encoding": "gzip"}, bomb_body)
    f = fetcher()
    big, bomb = f.get(site.url + "/big"), f.get(site.url + "/bomb")
    assert (big.outcome, big.body) == (TOO_BIG, b"") and (bomb.outcome, bomb.body) == (TOO_BIG, b"")


def test_redirects_are_followed_a_bounded_number_of_times(site):
    site.routes["/old"] = (301, {"Location": "/new"}, b"")
    site.routes["/new"] = (200, {}, b"moved here")
    site.routes["/loop"] = (302, {"Location": "/loop"}, b"")
    f = fetcher()
    moved = f.get(site.url + "/old")
    assert (moved.outcome, moved.body, moved.final_url) == (OK, b"moved here", site.url + "/new")
    loop = f.get(site.url + "/loop")
    assert loop.outcome == FAILED and "redirects" in loop.error
    assert site.paths().count("/loop") == FAST.max_redirects + 1


def test_retries_wait_for_retry_after_and_give_up_in_bounds(site):
    calls = []

    def flaky(headers):
        calls.append(1)
        return (503, {"Retry-After": "1"}, b"") if len(calls) < 2 else (200, {}, b"back")
    site.routes["/flaky"] = flaky
    site.routes["/down"] = (500, {}, b"")
    site.routes["/later"] = (429, {"Retry-After": "3600"}, b"")
    waits: list[float] = []
    f = fetcher(waits=waits)
    assert f.get(site.url + "/flaky").body == b"back" and waits == [1.0]
    down = f.get(site.url + "/down")
    assert down.outcome == FAILED and down.status == 500 and site.paths().count("/down") == 1 + FAST.retries
    later = f.get(site.url + "/later")
    assert later.error == "HTTP 429" and site.paths().count("/later") == 1  # an hour: left for the next round


def test_requests_to_one_host_keep_their_distance(site):
    site.routes["/a"] = (200, {}, b"a")
    f = Fetcher(Settings(contact="x", per_host_s=0.3))
    for _ in range(3):
        assert f.get(site.url + "/a").outcome == OK
    times = [t for path, _, t in site.requests]  # robots.txt counts too
    assert all(later - earlier >= 0.29 for earlier, later in zip(times, times[1:]))


def test_a_server_that_does_not_answer_is_a_failure_not_a_hang(site):
    def slow(headers):
        time.sleep(1.5)
        return 200, {}, b"late"
    site.routes["/slow"] = slow
    started = time.monotonic()
    result = Fetcher(Settings(contact="x", per_host_s=0.0, timeout_s=0.5, retries=0)).get(site.url + "/slow")
    assert result.outcome == FAILED and "no answer" in result.error and time.monotonic() - started < 1.4
    refused = fetcher().get("http://127.0.0.1:9/nothing")  # nothing listens on port 9
    assert refused.outcome == FAILED and "robots.txt not read" in refused.error

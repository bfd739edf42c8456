"""`python -m pipeline watch`: the sources file's feeds, news sitemaps and pages, polled on their schedules, their
new items fetched politely (fetch.py) and stored through the same path as `run` (dedup by URL and by text; a
changed text at a known URL replaces it).

Every fetch is recorded (storage: `fetches`), and each URL's last validators and whether it is done with
(`fetched_urls`). An item is done once its article is stored (or found stored already, or its page is no article,
or gone: HTTP 410);
a failed one is tried again next round, and a done one when its feed or sitemap lists it differently (a fingerprint
of its title, date and text). The record is written after the article, so a crash between the two fetches the item
again next time, and the store's dedup keeps it from being stored twice.
"""
from __future__ import annotations

import hashlib
import re
import sys
import threading
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.message import Message
from urllib.parse import urljoin

from .fetch import FAILED, OK, UNCHANGED, Fetched, Fetcher
from .models import Rejection
from .runner import Runner
from .sources import Settings, Source
from .storage import FetchRecord, Unavailable, UrlState

NEVER = UrlState(None, None, False)
# Items taken from one feed or sitemap per round, newest first: a backlog of thousands waits for later rounds.
MAX_ITEMS_PER_ROUND = 50
# While the database server is unavailable, `watch` tries again after this long, doubling up to the most.
OUTAGE_WAIT_S, MAX_OUTAGE_WAIT_S = 10.0, 300.0
# An item that failed this many rounds is given up (a link a feed keeps listing that never answers).
MAX_TRIES = 5


@dataclass(frozen=True)
class Item:
    """One article a source lists: its page, and what the listing says of it."""

    url: str
    title: str | None = None
    published: str | None = None
    text: str | None = None  # a feed's own text, used when the source does not fetch full pages

    @property
    def listed(self) -> str:
        """A fingerprint of the listing: it changes when the feed rewrites the item."""
        return hashlib.sha256("\x1f".join(v or "" for v in (self.title, self.published, self.text)).encode()).hexdigest()[:16]


@dataclass
class Tally:
    """One source's round: counts, and one line per URL that failed."""

    fetched: int = 0
    new: int = 0
    unchanged: int = 0
    failed: int = 0
    problems: list[str] = field(default_factory=list)

    def fetch(self, fetched: Fetched) -> bool:
        """Count one fetch; whether it brought a body to read."""
        self.fetched += 1
        self.unchanged += fetched.outcome == UNCHANGED
        if fetched.outcome not in (OK, UNCHANGED):
            self.fail(fetched.url, fetched.error or fetched.outcome)
        return fetched.outcome == OK

    def fail(self, url: str, reason: str) -> None:
        self.failed += 1
        self.problems.append(f"{url}: {reason}")

    def lines(self, name: str) -> list[str]:
        return [f"{name}: {self.fetched} fetched, {self.new} new, {self.unchanged} unchanged, {self.failed} failed",
                *(f"  {name}: {problem}" for problem in self.problems)]


class Watcher:
    def __init__(self, runner: Runner, sources: list[Source], settings: Settings, fetcher: Fetcher | None = None):
        self.runner, self.sources = runner, sources
        self.fetcher = fetcher or Fetcher(settings)
        self.due = {s.name: 0.0 for s in sources}
        for source in sources:
            if source.region:
                runner.extractor.homes.declare(source.name, source.region)

    def run(self, once: bool, stop: threading.Event, out=sys.stdout, err=sys.stderr) -> None:
        """Rounds until `stop` is set (after the article in flight), or one round with `once`. While the database
        server is unavailable, rounds wait for it (with `once`, Unavailable is raised: cron tries again)."""
        while not stop.is_set():
            tallies = self.round(stop) if once else when_available(lambda: self.round(stop), stop, err,
                                                                    again=self.runner.reconnect)
            for source, tally in (tallies or {}).items():
                print("\n".join(tally.lines(source)), file=out, flush=True)
            if once:
                return
            stop.wait(max(1.0, min(self.due.values()) - time.monotonic()))

    def round(self, stop: threading.Event | None = None) -> dict[str, Tally]:
        """Poll every source that is due; what each round came to."""
        tallies: dict[str, Tally] = {}
        for source in self.sources:
            if stop is not None and stop.is_set():
                break
            if self.due[source.name] <= time.monotonic():
                self.due[source.name] = time.monotonic() + source.every_s
                try:
                    tallies[source.name] = self._poll(source, stop)
                except Unavailable:
                    self.due[source.name] = 0.0  # polled again as soon as the database is back
                    raise
        return tallies

    def _poll(self, source: Source, stop: threading.Event | None) -> Tally:
        tally = Tally()
        items, listing = self._listed(source, tally)
        with self.runner.store.reading() as reader:
            states = reader.url_states([i.url for i in items])
        complete = True
        for item in items:
            if stop is not None and stop.is_set():
                complete = False
                break
            state = states.get(item.url, NEVER)
            if _wanted(source, item, state):
                complete = self._take(source, item, state, tally) and complete
        if listing is not None:  # recorded after its items: a crash before lists them again next time
            self._record(source, listing, error=listing.error, done=True, forget=not complete)
        return tally

    def _listed(self, source: Source, tally: Tally) -> tuple[list[Item], Fetched | None]:
        """The items a source lists now (a listing unchanged since last time lists none), and the listing's fetch
        (with why it could not be read, if so), for _poll to record."""
        if source.kind == "pages":
            return [Item(url) for url in source.urls], None
        (url,) = source.urls
        with self.runner.store.reading() as reader:
            state = reader.url_states([url]).get(url, NEVER)
        fetched = self.fetcher.get(url, state.etag, state.last_modified)
        if not tally.fetch(fetched):
            return [], fetched
        items, problem = _feed_items(fetched) if source.kind == "feed" else _sitemap_items(fetched)
        if problem:
            tally.fail(url, problem)
            fetched = replace(fetched, outcome=FAILED, error=problem)
        return items[:MAX_ITEMS_PER_ROUND], fetched

    def _take(self, source: Source, item: Item, state: UrlState, tally: Tally) -> bool:
        """Fetch, read and store one item, and record it; whether it is done with."""
        today = datetime.now(timezone.utc).date()
        if not source.full_pages and item.text:
            article = self.runner.ingestor.from_feed_item(item.url, item.text, item.title, source.name,
                                                          item.published, today)
            fetched = Fetched(item.url, OK)
        else:
            fetched = self.fetcher.get(item.url, state.etag, state.last_modified)
            if not tally.fetch(fetched):
                # unchanged: this listing is taken in; gone for good (410): nothing more will come
                done = fetched.outcome == UNCHANGED or fetched.status == 410
                self._record(source, fetched, done=fetched.status == 410, listed=item.listed if done else None)
                return done
            article = self.runner.ingestor.from_page(item.url, _text(fetched), source.name, item.published, today)
        summary = self.runner.store_all([article])
        stored = summary.stored > 0
        tally.new += stored
        tally.unchanged += summary.duplicates > 0
        error = summary.store_error or (summary.rejected[0][1] if summary.rejected else None)
        if error:
            tally.fail(item.url, error)
        # A page that is no article (no text, too long) is done with as it stands; a failed store or extraction is not.
        done = stored or summary.duplicates > 0 or isinstance(article, Rejection)
        self._record(source, fetched, getattr(article, "article_id", None) if stored else None, done, error,
                     item.listed if done else None)
        return done

    def _record(self, source: Source, fetched: Fetched, article_id: str | None = None, done: bool = False,
                error: str | None = None, listed: str | None = None, forget: bool = False) -> None:
        """One fetch recorded; `listed` only once the item's listing has been taken in (stored, or unchanged).
        `forget`: drop the URL's validators, so that its next fetch is whole (a listing some of whose items are
        not done yet must list them again: a 304 would hide them)."""
        failed = bool(error) or fetched.outcome not in (OK, UNCHANGED)
        self.runner.writer.record_fetch(
            FetchRecord(source.name, fetched.url, FAILED if error else fetched.outcome, fetched.status,
                        fetched.bytes_received, error or fetched.error, article_id),
            "" if forget else fetched.etag, "" if forget else fetched.last_modified, done, listed, failed)


def when_available(action, stop: threading.Event, err=sys.stderr, again=None):
    """action(), tried again while the database server is unavailable, one line each time, waits doubling; None if
    `stop` is set first. `again()` runs before each new try (a new connection). Nothing fetched is lost meanwhile:
    an item is recorded done only once its article is stored, so it is fetched again."""
    wait, tried = OUTAGE_WAIT_S, False
    while not stop.is_set():
        try:
            if tried and again is not None:
                again()
            return action()
        except Unavailable as exc:
            tried = True
            print(f"database unavailable: {exc}; trying again in {wait:g} s", file=err, flush=True)
            stop.wait(wait)
            wait = min(2 * wait, MAX_OUTAGE_WAIT_S)
    return None


def _wanted(source: Source, item: Item, state: UrlState) -> bool:
    """Whether to take an item this round: not yet done with; a followed page (asked again each round, by
    conditional GET: its text may change); or listed differently by the source that took it in (two feeds that
    list one story differently must not take it in turns)."""
    if not state.done:
        return state.tries < MAX_TRIES  # then given up: every try is in the fetch log
    return source.kind == "pages" or (state.source == source.name and state.listed != item.listed)


_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)


def _text(fetched: Fetched) -> str:
    """A page's text in the charset its Content-Type declares, else its <meta> tag's, else UTF-8; bytes that do
    not decode are replaced, never a reason to lose the page."""
    header = Message()
    header["content-type"] = fetched.content_type or ""
    meta = _META_CHARSET.search(fetched.body[:4096])
    for charset in (header.get_content_charset(), meta and meta.group(1).decode("ascii"), "utf-8"):
        if charset:
            try:
                return fetched.body.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
    return fetched.body.decode("utf-8", "replace")


def _feed_items(fetched: Fetched) -> tuple[list[Item], str | None]:
    """RSS, Atom or RDF items with a link, newest first as the feed lists them, relative links made absolute; and
    why the feed could not be read, when it yields nothing (feedparser reads what it can of a broken one)."""
    import feedparser  # imported here: only `watch` needs it

    headers = {"content-type": fetched.content_type} if fetched.content_type else {}  # its charset, if it says one
    parsed = feedparser.parse(fetched.body, response_headers=headers)
    items = []
    for entry in parsed.entries:
        link = entry.get("link")
        if not link:
            continue
        content = entry.get("content") or []
        text = content[0].get("value") if content else entry.get("summary")
        items.append(Item(urljoin(fetched.final_url or fetched.url, link), _plain(entry.get("title")),
                          entry.get("published") or entry.get("updated"), _plain(text)))
    if not items and parsed.get("bozo"):
        return [], f"not a readable feed: {parsed.get('bozo_exception')}"[:200]
    return items, None


def _sitemap_items(fetched: Fetched) -> tuple[list[Item], str | None]:
    """A news sitemap's <url> entries: the page and its news:publication_date (or lastmod); and why it could not
    be read."""
    from lxml import etree

    try:
        root = etree.fromstring(fetched.body, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        return [], f"not a readable sitemap: {exc}"[:200]
    items = []
    for node in root.iter("{*}url"):
        loc = node.findtext("{*}loc")
        if loc and loc.strip():
            published = node.findtext(".//{*}publication_date") or node.findtext("{*}lastmod")
            title = node.findtext(".//{*}title")
            items.append(Item(urljoin(fetched.final_url or fetched.url, loc.strip()), title, published))
    return items, None


def _plain(html: str | None) -> str | None:
    """A feed item's HTML summary as text (feeds often put markup in it)."""
    if not html:
        return None
    from lxml import html as lxml_html

    try:
        return " ".join(lxml_html.fromstring(html).text_content().split()) or None
    except Exception:  # noqa: BLE001 - lxml's parser errors on fragments it cannot read: no text, then
        return None

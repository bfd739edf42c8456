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
from dataclasses import dataclass, field
from datetime import datetime, timezone
from email.message import Message
from urllib.parse import urljoin

from .fetch import FAILED, OK, UNCHANGED, Fetched, Fetcher
from .models import Rejection
from .runner import Runner
from .sources import Settings, Source
from .storage import FetchRecord, UrlState

NEVER = UrlState(None, None, False)
# Items taken from one feed or sitemap per round, newest first: a backlog of thousands waits for later rounds.
MAX_ITEMS_PER_ROUND = 50


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

    def run(self, once: bool, stop: threading.Event, out=sys.stdout) -> None:
        """Rounds until `stop` is set (after the article in flight), or one round with `once`."""
        while not stop.is_set():
            for source, tally in self.round(stop).items():
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
                tallies[source.name] = self._poll(source, stop)
        return tallies

    def _poll(self, source: Source, stop: threading.Event | None) -> Tally:
        tally = Tally()
        items = self._listed(source, tally)
        with self.runner.store.reading() as reader:
            states = reader.url_states([i.url for i in items])
        for item in items:
            if stop is not None and stop.is_set():
                break
            state = states.get(item.url, NEVER)
            if _wanted(source, item, state):
                self._take(source, item, state, tally)
        return tally

    def _listed(self, source: Source, tally: Tally) -> list[Item]:
        """The items a source lists now (a listing unchanged since last time lists none)."""
        if source.kind == "pages":
            return [Item(url) for url in source.urls]
        (url,) = source.urls
        with self.runner.store.reading() as reader:
            state = reader.url_states([url]).get(url, NEVER)
        fetched = self.fetcher.get(url, state.etag, state.last_modified)
        if not tally.fetch(fetched):
            self._record(source, fetched)
            return []
        items, problem = _feed_items(fetched) if source.kind == "feed" else _sitemap_items(fetched)
        if problem:
            tally.fail(url, problem)
        self._record(source, fetched, error=problem)
        return items[:MAX_ITEMS_PER_ROUND]

    def _take(self, source: Source, item: Item, state: UrlState, tally: Tally) -> None:
        today = datetime.now(timezone.utc).date()
        if not source.full_pages and item.text:
            article = self.runner.ingestor.from_feed_item(item.url, item.text, item.title, source.name,
                                                          item.published, today)
            fetched = Fetched(item.url, OK)
        else:
            fetched = self.fetcher.get(item.url, state.etag, state.last_modified)
            if not tally.fetch(fetched):
                # unchanged: this listing is taken in; gone for good (410): nothing more will come
                self._record(source, fetched, done=fetched.status == 410,
                             listed=item.listed if fetched.outcome == UNCHANGED or fetched.status == 410 else None)
                return
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

    def _record(self, source: Source, fetched: Fetched, article_id: str | None = None, done: bool = False,
                error: str | None = None, listed: str | None = None) -> None:
        """One fetch recorded; `listed` only once the item's listing has been taken in (stored, or unchanged)."""
        self.runner.writer.record_fetch(
            FetchRecord(source.name, fetched.url, fetched.outcome if not error else FAILED, fetched.status,
                        fetched.bytes_received, error or fetched.error, article_id),
            fetched.etag, fetched.last_modified, done, listed)


def _wanted(source: Source, item: Item, state: UrlState) -> bool:
    """Whether to take an item this round: not yet done with; a followed page (asked again each round, by
    conditional GET: its text may change); or listed differently by the source that took it in (two feeds that
    list one story differently must not take it in turns)."""
    return (not state.done or source.kind == "pages"
            or (state.source == source.name and state.listed != item.listed))


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

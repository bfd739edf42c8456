"""One pipeline run over files and folders (or articles fetched by `watch`) into the database, with a count of what
became of each input."""
from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from tqdm import tqdm

from .config import GROUPING_BATCH
from .storage import DUPLICATE, REPLACED, CommitInDoubt, StoreError, open_store
from .extract import Extractor
from .ingest import WARNING_FLAGS, Ingestor
from .models import Article, Rejection


@dataclass
class Summary:
    """What became of every input. `events` and `reports` mean what the dashboard means by them: reports are
    the map rows (event locations, origins, destinations) the run stored, events the groups they make."""

    read: int = 0
    stored: int = 0
    replaced: int = 0  # of `stored`: articles at a known URL whose text changed
    duplicates: int = 0
    events: int = 0
    reports: int = 0
    rejected: list[tuple[str, str]] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)  # stored, but not exactly as the input said
    dated: Counter = field(default_factory=Counter)  # stored articles by how their publication date was found
    # When the database failed mid-run: why, and the inputs read but not stored (a re-run stores them).
    store_error: str | None = None
    unstored: list[str] = field(default_factory=list)
    in_doubt: str | None = None  # the article whose commit the server went away during: stored or not

    def line(self) -> str:
        new = self.stored - self.replaced
        replaced = f", {self.replaced} replaced" if self.replaced else ""
        return (f"{self.read} read: {new} stored{replaced} ({self.events} events from {self.reports} reports), "
                f"{self.duplicates} skipped as duplicates, {len(self.rejected)} rejected{self._dates()}")

    def _dates(self) -> str:
        """How the stored articles were dated, and how to date the rest; nothing when every date was given."""
        inferred, undated = self.dated["text"], self.dated["none"]
        if not inferred and not undated:
            return ""
        parts = [f"{n} {label}" for label, n in (("given", self.dated["given"] + self.dated["option"]),
                                                 ("from pages", self.dated["page"]), ("from feeds", self.dated["feed"]),
                                                 ("by the day fetched", self.dated["fetched"]),
                                                 ("from URLs", self.dated["url"]), ("read from the text", inferred),
                                                 ("undated", undated)) if n]
        hint = " (give a date with --published YYYY-MM-DD or a 'published' field)" if undated else ""
        return f"; publication dates: {', '.join(parts)}{hint}"


class Runner:
    """Ingest, skip what is already stored, extract, and store each article in its own transaction."""

    def __init__(self, db: str | Path, source: str | None = None, published: date | None = None,
                 extractor: Extractor | None = None):
        """`db`: a path or a database URL (storage.open_store). The schema is brought up to date first."""
        self.store = open_store(db)
        self.store.migrate()
        self.writer = self.store.writer()
        self.ingestor = Ingestor(source=source, published=published)
        self._extractor = extractor

    def reconnect(self) -> None:
        """A new writer, after the database server went away (`watch` waits for it to come back)."""
        self.writer.close()
        self.writer = self.store.writer()

    @property
    def extractor(self) -> Extractor:
        if self._extractor is None:
            self._extractor = Extractor()
        return self._extractor

    def run(self, paths: list[str], progress: bool = False) -> Summary:
        return self.store_all(self.ingestor.read(paths), progress)

    def store_all(self, items: Iterable[Article | Rejection], progress: bool = False) -> Summary:
        """Store the articles (each in its own transaction) and record the rejections, as one run."""
        run_id = uuid.uuid4().hex[:12]
        summary = Summary()
        articles: list[Article] = []
        for item in items:
            summary.read += 1
            if isinstance(item, Rejection):
                self._reject(item, run_id, summary)
            else:
                articles.append(item)
        if not articles:
            return summary
        bar = tqdm(total=len(articles), unit="article", disable=not progress, leave=False)

        def failed(article: Article, exc: Exception) -> None:
            kind = getattr(exc, "kind", type(exc).__name__)  # a worker's error keeps its own name
            self._reject(Rejection(article.origin, f"extraction failed: {kind}: {exc}"), run_id, summary)
            pending.pop(article.origin, None)
            bar.update()

        pending = {a.origin: a for a in articles}
        in_flight = None
        try:
            new = self._new(articles, run_id, summary, bar, pending)
            for n, extraction in enumerate(self.extractor.extract(new, on_error=failed), 1):
                in_flight = extraction.article.origin
                self._store(extraction, run_id, summary)
                pending.pop(in_flight, None)
                in_flight = None
                bar.update()
                if n % GROUPING_BATCH == 0:
                    self.writer.group_pending()
            self.writer.group_pending()  # the last batch, and whatever a killed run left ungrouped
            summary.events, summary.reports = self.writer.run_totals(run_id)
        except StoreError as exc:  # the database went away: the article in flight was rolled back whole...
            summary.store_error = str(exc)
            if isinstance(exc, CommitInDoubt) and in_flight:  # ...unless it went away while committing it
                summary.in_doubt = pending.pop(in_flight).origin
            summary.unstored = list(pending)
        bar.close()
        return summary

    def _store(self, extraction, run_id: str, summary: Summary) -> None:
        article = extraction.article
        unresolved = [m for m in extraction.places if m.place is None]
        outcome = self.writer.save_article(article, list(extraction.events), unresolved, run_id, grouped=False)
        if outcome == DUPLICATE:  # another process stored the same text meanwhile
            summary.duplicates += 1
            return
        summary.stored += 1
        summary.replaced += outcome == REPLACED
        summary.dated[article.published_basis] += 1
        summary.flagged += [(article.origin, WARNING_FLAGS[f]) for f in article.flags if f in WARNING_FLAGS]

    def _reject(self, rejection: Rejection, run_id: str, summary: Summary) -> None:
        """Record and count an input that is not stored; its reason is kept to one line."""
        rejection = Rejection(rejection.origin, " ".join(rejection.reason.split()))
        self.writer.save_rejection(rejection, run_id)
        summary.rejected.append((rejection.origin, rejection.reason))

    def _new(self, articles: list[Article], run_id: str, summary: Summary, bar,
             pending: dict[str, Article]) -> Iterator[Article]:
        """Articles not stored before nor earlier in this run; duplicates are logged and counted."""
        seen: dict[str, str] = {}
        for article in articles:
            earlier = seen.get(article.text_hash) or self.writer.find_duplicate(article)
            if earlier:
                self.writer.save_duplicate(article.origin, earlier, run_id)
                summary.duplicates += 1
                pending.pop(article.origin, None)
                bar.update()
                continue
            seen[article.text_hash] = article.article_id
            yield article

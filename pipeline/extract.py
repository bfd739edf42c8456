"""Articles in, extractions out: NER -> places -> dates -> events, batched through spaCy."""
from __future__ import annotations

from collections import deque
from itertools import count
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from spacy.tokens import Doc

from . import dates, ner
from .config import BATCH_SIZE, GAZETTEER_DB, SPACY_MODEL
from .events import build_events
from .gazetteer import Gazetteer
from .homes import Region, SourceHomes
from .models import Article, Extraction, PlaceMention
from .occurrence import MODEL_PATH, OccurrenceModel
from .place_ranker import PlaceRanker
from .recognize import PlaceSpan, find_place_spans
from .resolve import Resolver

DATE_LABELS = {"DATE", "TIME"}
# Articles are finished this many articles after they were read, so that a source's first articles get the home
# its next ones show (homes.py). The parsed documents of the window stay in memory.
HOME_WINDOW = 32
OnError = Callable[[Article, Exception], None]


@dataclass(frozen=True)
class _Reading:
    """An article parsed and its places read once, waiting for the window to pass."""

    article: Article
    doc: Doc
    spans: list[PlaceSpan]
    places: list[PlaceMention]
    shares: dict[Region, float]
    taught: frozenset[Region]
    position: int  # in the run


@dataclass
class Carry:
    """Where a reading of the run stands between two stretches of it (distributed.py reads a run in stretches, one
    task each): the homes learnt so far and the articles read but not finished. Frozen, the parsed documents are
    bytes, which another worker thaws with its own vocabulary."""

    homes: SourceHomes = field(default_factory=SourceHomes)
    window: deque = field(default_factory=deque)

    def freeze(self) -> "Carry":
        return Carry(self.homes, deque(replace(r, doc=r.doc.to_bytes(exclude=["tensor"])) for r in self.window))

    def thaw(self, vocab) -> "Carry":
        return Carry(self.homes, deque(replace(r, doc=Doc(vocab).from_bytes(r.doc)) if isinstance(r.doc, bytes) else r
                                       for r in self.window))


class Extractor:
    """Holds the loaded model and gazetteer; create once per process."""

    def __init__(self, gazetteer_path: str | Path = GAZETTEER_DB, model: str = SPACY_MODEL,
                 occurrence_model: Path | None = MODEL_PATH, place_ranker: PlaceRanker | None = None,
                 rankers: Mapping[str, PlaceRanker] | None = None):
        """`occurrence_model` None keeps the grammar's roles: bench/train_occurrence.py fits the model that way.
        `place_ranker`: the place ranker (default: data/place_ranker.json's); `rankers`: another for some articles, by id
        (bench/eval_geo.py resolves each document with the model of the fold that held it out)."""
        self.occurrence = OccurrenceModel.load(occurrence_model) if occurrence_model is not None else None
        self.gazetteer = Gazetteer(gazetteer_path)
        self.resolver = Resolver(self.gazetteer, place_ranker)
        self.rankers = rankers or {}
        self.homes = SourceHomes()
        self.nlp = ner.load(model)

    def extract(self, articles: Iterable[Article], batch_size: int = BATCH_SIZE, on_error: OnError | None = None,
                positions: Iterable[int] | None = None, carry: Carry | None = None) -> Iterator[Extraction]:
        """Extract every article, in order. An article with no publication date (published.py) keeps only the
        dates its text fixes on its own; the run's date dates nothing.

        With `on_error`, an article whose extraction raises goes to on_error(article, exc) and the others go on:
        one odd text must not end a run of thousands. Without it, the error propagates.

        An article is finished once the articles up to HOME_WINDOW places after it in the run were read.
        `positions`: the articles' places in the whole run, when these are some of its sources' articles (a Dask
        worker's share, distributed.py): each is then finished with the home its source has in a one-process
        run, since only a source's own articles teach its home. `carry`: these articles are one stretch of the
        share, read on from where the carry stands; the articles not finished yet stay in it for the next."""
        homes = carry.homes if carry is not None else self.homes
        window = carry.window if carry is not None else deque()
        items = zip(positions if positions is not None else count(), articles)
        pairs = self.nlp.pipe(((ner.prepare(a.text), (n, a)) for n, a in items), batch_size=batch_size,
                              as_tuples=True)
        for doc, (position, article) in pairs:
            while window and window[0].position + HOME_WINDOW < position:
                yield from self._finished(window.popleft(), homes, on_error)
            reading = _guarded(on_error, article, self._read, article, doc, position, homes)
            if reading is not None:
                window.append(reading)
        while window and carry is None:
            yield from self._finished(window.popleft(), homes, on_error)

    def finish(self, carry: Carry, on_error: OnError | None = None) -> Iterator[Extraction]:
        """The articles a stretched reading still holds, at the end of its share."""
        while carry.window:
            yield from self._finished(carry.window.popleft(), carry.homes, on_error)

    def _read(self, article: Article, doc: Doc, position: int, homes: SourceHomes) -> _Reading:
        """First reading of the places, with the home the source has so far; it teaches the source's home."""
        spans = find_place_spans(doc, self.gazetteer)
        shares = homes.shares(article.source)
        with self.resolver.using(self.rankers.get(article.article_id)):
            places = self.resolver.resolve(article.text, spans, shares)
        return _Reading(article, doc, spans, places, shares, homes.learn(article.source, places), position)

    def _finished(self, reading: _Reading, homes: SourceHomes, on_error: OnError | None) -> Iterator[Extraction]:
        extraction = _guarded(on_error, reading.article, self._extract_one, reading, homes)
        if extraction is not None:
            yield extraction

    def _extract_one(self, reading: _Reading, homes: SourceHomes) -> Extraction:
        article, doc, places = reading.article, reading.doc, reading.places
        # The source's articles read since (up to HOME_WINDOW later ones) may have given it a home, or a new one.
        shares = homes.shares(article.source, without=reading.taught)
        if shares.keys() != reading.shares.keys():
            with self.resolver.using(self.rankers.get(article.article_id)):
                places = self.resolver.resolve(article.text, reading.spans, shares)
        candidates = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in DATE_LABELS]
        tense = ner.clause_tense(doc)
        if article.published is not None:
            found = dates.find_dates(article.text, article.published, candidates, tense=tense)
        else:
            found = dates.fixed_by_text(article.text, candidates, tense=tense)
        places, events = build_events(article, doc, places, found, self.occurrence)
        return Extraction(article, tuple(places), tuple(found), tuple(events))


def _guarded(on_error: OnError | None, article: Article, step: Callable, *args):
    """step(*args), or None after handing its exception to `on_error` (re-raised when there is none)."""
    try:
        return step(*args)
    except Exception as exc:  # any failure of our NLP code on one text; the caller records it with its reason
        if on_error is None:
            raise
        on_error(article, exc)
        return None

"""Articles in, extractions out: NER -> places -> dates -> events, batched through spaCy."""
from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

from spacy.tokens import Doc

from . import dates, ner
from .config import BATCH_SIZE, GAZETTEER_DB, SPACY_MODEL
from .events import build_events
from .gazetteer import Gazetteer
from .models import Article, Extraction
from .recognize import find_place_spans
from .resolve import Resolver

DATE_LABELS = {"DATE", "TIME"}


class Extractor:
    """Holds the loaded model and gazetteer; create once per process."""

    def __init__(self, gazetteer_path: str | Path = GAZETTEER_DB, model: str = SPACY_MODEL):
        self.gazetteer = Gazetteer(gazetteer_path)
        self.resolver = Resolver(self.gazetteer)
        self.nlp = ner.load(model)

    def extract(self, articles: Iterable[Article], run_date: date, batch_size: int = BATCH_SIZE) -> Iterator[Extraction]:
        """Extract every article, in order. `run_date` dates articles that carry no date of their own."""
        articles = (with_publication_date(a, run_date) for a in articles)
        pairs = self.nlp.pipe(((ner.prepare(a.text), a) for a in articles), batch_size=batch_size, as_tuples=True)
        for doc, article in pairs:
            yield self._extract_one(article, doc)

    def _extract_one(self, article: Article, doc: Doc) -> Extraction:
        places = self.resolver.resolve(article.text, find_place_spans(doc, self.gazetteer))
        candidates = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in DATE_LABELS]
        found = dates.find_dates(article.text, article.published, candidates, tense=ner.clause_tense(doc))
        events = build_events(article, doc, places, found)
        return Extraction(article, tuple(places), tuple(found), tuple(events))


def with_publication_date(article: Article, run_date: date) -> Article:
    """Given date, else the latest full date in the text, else the run date; the last two are flagged."""
    if article.published is not None:
        return article
    inferred = dates.infer_published(article.text)
    if inferred is not None:
        return replace(article, published=inferred, published_inferred=True)
    return replace(article, published=run_date, published_inferred=True,
                   flags=article.flags + ("published-is-run-date",))

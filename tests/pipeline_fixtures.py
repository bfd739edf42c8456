"""Session fixtures for pipeline tests: the real model, the real gazetteer index, the seed article."""
from __future__ import annotations

import itertools
from datetime import date
from pathlib import Path

import pytest

from pipeline import config

ROOT = Path(__file__).resolve().parent.parent
_SOURCES = itertools.count()
SEED = ROOT / "data" / "articles" / "fox-news" / "kharkiv-counteroffensive.txt"


@pytest.fixture(scope="session")
def gazetteer_path() -> Path:
    """The index built by the set-up; built here if a test run starts without it."""
    from pipeline.gazetteer import Gazetteer, GazetteerMissing
    from pipeline.gazetteer_build import build

    try:
        Gazetteer(config.GAZETTEER_DB)
    except GazetteerMissing:
        build(config.GAZETTEER_DB)
    return config.GAZETTEER_DB


@pytest.fixture(scope="session")
def gazetteer(gazetteer_path):
    from pipeline.gazetteer import Gazetteer

    return Gazetteer(gazetteer_path)


@pytest.fixture(scope="session")
def extractor(gazetteer_path):
    from pipeline.extract import Extractor

    return Extractor(gazetteer_path)


@pytest.fixture(scope="session")
def nlp(extractor):
    return extractor.nlp


@pytest.fixture(scope="session")
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def seed_extraction(extractor, seed_text):
    from pipeline.ingest import Ingestor

    article = next(Ingestor(source="test").read([str(SEED)]))  # dated the way a run dates it
    return next(extractor.extract([article]))


def extract_one(extractor, text: str, published: date | None = None):
    """Extraction of one hand-made text."""
    from pipeline.models import Article

    # A source of its own: the extractor learns each source's home region (pipeline/homes.py), and one hand-made
    # text must not lean on the ones other tests fed it before.
    article = Article(article_id="t", text=text, origin="test", source=f"test-{next(_SOURCES)}", published=published)
    return next(extractor.extract([article]))

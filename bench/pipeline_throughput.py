"""Pipeline throughput next to bare spaCy, on the sample articles repeated to ~500 documents.

Measured in one run, so the ratio holds even when the machine's speed varies:
  - spaCy NER only (nlp.pipe with every other component disabled): the floor of any spaCy pipeline;
  - spaCy full model (tagger, parser, lemmatizer, NER), which the pipeline runs for the dependency parse;
  - the whole extraction (model + recognition + gazetteer + dates + events), without the database;
  - the whole `run` path, into a fresh SQLite file and into a fresh PostgreSQL database (a throwaway cluster
    on 127.0.0.1 with PostgreSQL's durable defaults: fsync and synchronous commit on);
  - `python -m pipeline run` processes into PostgreSQL, timed from start to the last exit: one writer with every
    document, then two at once with half each, then four with a quarter each (articles/s in total; model loading
    included): two show what the store lets as many writers as cores do, four what more writers than cores cost;
  - `python -m pipeline run` into SQLite in one process; two such processes at once on half the documents each,
    sharing nothing (what two cores of this machine give at best); with `--workers 2` (a Dask LocalCluster); with
    `--scheduler` on a `dask scheduler` with two `dask worker` processes started before (model loading included in
    all three: a worker loads it with its first task); the peak memory of each worker process; and in one process
    whose parsing is spread over two of spaCy's own processes (nlp.pipe's n_process), the other local way.
`--only workers` runs the last five stages alone.
Each stage also records how many cores the machine kept busy (/proc/stat, every process: the PostgreSQL server
too): the one-writer run's CPU seconds spread over every core bound what any number of writers can reach here.
Usage: python bench/pipeline_throughput.py [--docs 500] [--only workers] [--json bench/results/throughput.json]
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
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
    parser.add_argument("--only", choices=["workers"], help="only the `run` stages with and without Dask workers")
    # A stage's command, as `pipeline run DATA --db DB --quiet` with spaCy's processes: the same options as it.
    parser.add_argument("--spacy-processes", nargs=2, metavar=("N", "DATA"), help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--quiet", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.spacy_processes:
        return spacy_processes_run(int(args.spacy_processes[0]), args.spacy_processes[1], args.db)
    if args.only == "workers":
        return workers_stages(corpus(args.docs), Path(args.json))

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
            stages += [(f"processes_{n}_into_postgresql", _counted(server, n, docs, Path(tmp))) for n in (1, 2, 4)]
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
              "two_writers_over_one": _over(results, "processes_2_into_postgresql", "processes_1_into_postgresql"),
              "four_writers_over_one": _over(results, "processes_4_into_postgresql", "processes_1_into_postgresql")}
    print(f"{len(docs)} documents, {words:,} words, batch size {BATCH_SIZE}")
    print(f"{'stage':<30}{'seconds':>9}{'words/s':>10}{'articles/s':>12}{'vs NER':>8}{'vs model':>10}{'cores busy':>12}")
    for name, r in results.items():
        print(f"{name:<30}{r['seconds']:>9}{r['words_per_s']:>10,}{r['articles_per_s']:>12}{r['ratio_to_ner_only']:>8}"
              f"{r['ratio_to_full_model']:>10}{r['cores_busy']:>12}")
    # With every core busy, n writers cannot beat the CPU one writer's run needed, spread over all cores.
    one = results["processes_1_into_postgresql"]
    ratios["writers_ceiling_on_this_machine"] = round(one["seconds"] * os.cpu_count() / one["cpu_seconds"], 3)
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


def workers_stages(docs: list[Article], out: Path) -> None:
    """One process, `--workers 2` and a scheduler with two workers, on the same documents, in one run."""
    words = sum(len(a.text.split()) for a in docs)
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "docs.jsonl"
        data.write_text("".join(json.dumps({"text": a.text, "source": a.source, "title": a.title,
                                            "published": a.published.isoformat() if a.published else None}) + "\n"
                                for a in docs))
        halves = [Path(tmp) / f"half-{k}.jsonl" for k in range(2)]
        lines = data.read_text().splitlines(keepends=True)
        for k, half in enumerate(halves):
            half.write_text("".join(lines[k::2]))
        run = [sys.executable, "-m", "pipeline", "run"]
        for name, commands in [
                ("run_1_process", [[*run, str(data)]]),
                # The machine's own ceiling: two processes sharing nothing, half the documents each.
                ("run_2_processes_apart", [[*run, str(half)] for half in halves]),
                ("run_workers_2", [[*run, str(data), "--workers", "2"]]),
                ("run_scheduler_2_workers", [[*run, str(data), "--scheduler", _SCHEDULER]]),
                # The other local way issue 20 names: spaCy's own processes parse, this process does the rest.
                ("run_spacy_n_process_2", [[sys.executable, __file__, "--spacy-processes", "2", str(data)]])]:
            dbs = [Path(tmp) / f"{name}-{k}.db" for k in range(len(commands))]
            commands = [[*c, "--db", str(db), "--quiet"] for c, db in zip(commands, dbs)]
            if name == "run_scheduler_2_workers":
                # Up only for its own stage: an idle cluster's heartbeats would take from the stages that keep both
                # cores busy, and not from the one process, which leaves a core free.
                with _cluster() as (scheduler, workers):
                    results[name] = _stage([[scheduler if a == _SCHEDULER else a for a in c] for c in commands],
                                           workers)
            else:
                results[name] = _stage(commands, [])
            stored = sum(rows(str(db), "SELECT COUNT(*) FROM articles WHERE status = 'stored'")[0][0] for db in dbs)
            assert stored == len(docs), f"{name} stored {stored} of {len(docs)}"
            results[name]["words_per_s"] = round(words / results[name]["seconds"])
    one = results["run_1_process"]["words_per_s"]
    print(f"{len(docs)} documents, {words:,} words")
    for name, r in results.items():
        print(f"{name:<26}{r['seconds']:>9} s{r['words_per_s']:>9,} words/s  {r['words_per_s'] / one:.3f}x one  "
              f"cores {r['cores_busy']}  peak MB {r['peak_mb_of_processes_with_a_model']}")
    ratios = {"two_processes_apart_over_one": round(results["run_2_processes_apart"]["words_per_s"] / one, 3),
              "workers_2_over_one": round(results["run_workers_2"]["words_per_s"] / one, 3),
              "scheduler_over_workers_2": round(results["run_scheduler_2_workers"]["words_per_s"]
                                                / results["run_workers_2"]["words_per_s"], 3),
              "spacy_n_process_2_over_one": round(results["run_spacy_n_process_2"]["words_per_s"] / one, 3)}
    print(", ".join(f"{k.replace('_', ' ')}: {v}x" for k, v in ratios.items()))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"documents": len(docs), "words": words, "results": results, "ratios": ratios}, indent=2))
    print(f"written: {out}")


def spacy_processes_run(n: int, data: str, db: str) -> None:
    """`pipeline run DATA --db DB` in this process, with spaCy's parsing spread over `n` of its own processes
    (nlp.pipe's n_process): they parse, and send each parsed document back to this one, which reads and stores."""
    extractor = Extractor()
    pipe = extractor.nlp.pipe

    def spread(*args, **kwargs):
        kwargs.setdefault("n_process", n)  # set once: nlp.pipe calls itself again for `as_tuples`
        return pipe(*args, **kwargs)

    extractor.nlp.pipe = spread
    summary = Runner(db, extractor=extractor).run([data])
    assert not summary.rejected, summary.line()


_SCHEDULER = "<the scheduler's address>"  # in a stage's command, until its cluster is up


@contextmanager
def _cluster():
    """A `dask scheduler` and two `dask worker` processes on 127.0.0.1: (its address, the workers)."""
    from stores import _free_port

    port = _free_port()
    dask = Path(sys.executable).parent / "dask"
    quiet = dict(cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL,
                 stderr=subprocess.DEVNULL)
    cluster = [subprocess.Popen([str(dask), "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
                                **quiet)]
    cluster += [subprocess.Popen([str(dask), "worker", f"tcp://127.0.0.1:{port}", "--nworkers", "1", "--nthreads", "1",
                                  "--no-dashboard", "--host", "127.0.0.1"], **quiet) for _ in range(2)]
    try:
        time.sleep(10)  # the scheduler and its workers up (their model loads with their first task, timed)
        yield f"tcp://127.0.0.1:{port}", cluster[1:]
    finally:
        for process in cluster:
            process.terminate()
            process.wait(timeout=30)


def _stage(commands: list[list[str]], watched: list[subprocess.Popen]) -> dict:
    """Start the commands at once and wait for all: seconds, cores kept busy, and the peak memory of each process
    that holds a model (theirs, their children's, and the `watched` processes' trees)."""
    import psutil

    running = [subprocess.Popen(c, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
               for c in commands]
    start, busy, peaks = time.perf_counter(), busy_seconds(), {}
    while any(p.poll() is None for p in running):
        for root in [psutil.Process(p.pid) for p in running + watched if p.poll() is None]:
            try:
                for proc in [root, *root.children(recursive=True)]:
                    peaks[proc.pid] = max(peaks.get(proc.pid, 0), proc.memory_info().rss)
            except psutil.NoSuchProcess:
                pass
        time.sleep(0.2)
    seconds, cpu = time.perf_counter() - start, busy_seconds() - busy
    for process in running:
        if process.returncode != 0:
            raise SystemExit(f"{' '.join(process.args[3:5])} failed: {process.stderr.read().strip()}")
    heavy = sorted((v for v in peaks.values() if v > 300 * 2**20), reverse=True)  # processes with a model
    return {"seconds": round(seconds, 2), "cores_busy": round(cpu / seconds, 2),
            "peak_mb_of_processes_with_a_model": [round(v / 2**20) for v in heavy]}


def _over(results: dict, a: str, b: str) -> float:
    return round(results[a]["articles_per_s"] / results[b]["articles_per_s"], 3)


if __name__ == "__main__":
    main()

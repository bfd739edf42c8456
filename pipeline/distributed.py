"""Extraction on Dask workers: local processes (`--workers N`, a LocalCluster) or a cluster (`--scheduler tcp://…`).

The rows must be exactly those of one process. Extraction of an article depends on nothing but its text and its
source's home, and a home is taught only by the source's own articles (homes.py): so each task is whole sources,
their articles with their places in the run (Extractor.extract's `positions`), and each is read with the home it
gets in one process. The results come back to this process, which stores them in the run's order through the one
writer (grouping depends on that order; SQLite has one writer anyway). A worker loads the model and the gazetteer
once, for all its tasks. A worker killed mid-task: Dask runs the task again elsewhere, and nothing was stored by
it. The scheduler gone: DistributedFailed, which the CLI tells in one line; a re-run finds what was stored.
"""
from __future__ import annotations

import asyncio
import heapq
import logging
from concurrent.futures import CancelledError
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from .models import Article, Extraction

# Sources are packed into about this many tasks per worker, so a slow task does not leave the others idle.
TASKS_PER_WORKER = 4
CONNECT_TIMEOUT_S = 10
_EXTRACTOR = None  # a worker process's Extractor, loaded by its first task


class DistributedFailed(Exception):
    """The scheduler could not be reached, or went away: said in one line."""


@dataclass(frozen=True)
class Failure:
    """An article whose extraction raised on a worker: how the run reports it."""

    position: int
    kind: str
    message: str


def extract_share(share: list[tuple[int, Article]]) -> tuple[list[tuple[int, Extraction]], list[Failure]]:
    """On a worker: one task's articles extracted, each with its place in the run; the failures apart."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from .extract import Extractor

        _EXTRACTOR = Extractor()
    done: list[tuple[int, Extraction]] = []
    failures: list[Failure] = []
    position_of = {id(a): n for n, a in share}
    articles = [a for _, a in share]

    def failed(article: Article, exc: Exception) -> None:
        failures.append(Failure(position_of[id(article)], type(exc).__name__, str(exc)))

    for extraction in _EXTRACTOR.extract(articles, on_error=failed, positions=[n for n, _ in share]):
        done.append((position_of[id(extraction.article)], extraction))
    return done, failures


def shares(articles: list[Article], tasks: int) -> list[list[tuple[int, Article]]]:
    """The articles as `tasks` lists of whole sources, as even in text as sources allow (largest sources first, each
    to the lightest list); the heaviest list first, so it starts first and no worker is left alone at the end."""
    by_source: dict[str, list[tuple[int, Article]]] = {}
    for n, article in enumerate(articles):
        by_source.setdefault(article.source, []).append((n, article))
    heap = [(0, k, []) for k in range(max(1, tasks))]
    for items in sorted(by_source.values(), key=_weight, reverse=True):
        load, k, share = heapq.heappop(heap)
        share.extend(items)
        heapq.heappush(heap, (load + _weight(items), k, share))
    return [sorted(share, key=lambda item: item[0]) for _, _, share in sorted(heap, reverse=True) if share]


def _weight(items: list[tuple[int, Article]]) -> int:
    """The work of extracting these articles, which grows with their text."""
    return sum(len(article.text) for _, article in items)


class DistributedExtractor:
    """Extractor.extract's interface, on a Dask cluster: local worker processes, or a scheduler's workers."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None):
        from distributed import Client, LocalCluster

        # Dask logs a lost connection with its traceback; the run says it in one line (DistributedFailed).
        for name in [n for n in logging.root.manager.loggerDict if n.split(".")[0] == "distributed"]:
            logging.getLogger(name).setLevel(logging.CRITICAL)
        try:
            if scheduler:
                self._cluster = None
                self.client = Client(scheduler, timeout=CONNECT_TIMEOUT_S)
            else:
                self._cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                             dashboard_address=None, silence_logs=logging.CRITICAL)
                self.client = Client(self._cluster)
        except (OSError, TimeoutError) as exc:
            raise DistributedFailed(f"{scheduler or 'local cluster'}: cannot connect: {exc}") from None

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()

    def extract(self, articles: Iterable[Article], on_error=None) -> Iterator[Extraction]:
        """Every article's extraction, in the run's order, as the workers finish them."""
        from distributed import as_completed

        todo = list(articles)
        if not todo:
            return
        workers = max(1, len(self.client.scheduler_info(n_workers=-1).get("workers", {})))
        futures = self.client.map(extract_share, shares(todo, workers * TASKS_PER_WORKER), pure=False)
        ready: dict[int, Extraction | Failure] = {}
        following = 0
        try:
            for future in as_completed(futures):
                done, failures = future.result()
                ready.update(done)
                ready.update((f.position, f) for f in failures)
                while following in ready:
                    result = ready.pop(following)
                    if isinstance(result, Failure):
                        if on_error is None:
                            raise RuntimeError(f"{result.kind}: {result.message}")
                        on_error(todo[following], RemoteError(result.kind, result.message))
                    else:
                        yield result
                    following += 1
        except (OSError, TimeoutError, CancelledError, asyncio.CancelledError) as exc:
            reason = " ".join(str(exc).split())[:200]
            raise DistributedFailed(f"the Dask scheduler went away mid-run ({reason}); what was stored is kept, run "
                                    "again to store the rest") from None


class RemoteError(Exception):
    """An article's extraction error on a worker, told as the worker's own."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind

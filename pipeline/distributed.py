"""Extraction on Dask workers: local processes (`--workers N`, a LocalCluster) or a cluster (`--scheduler tcp://…`).

The rows must be exactly those of one process. Extraction of an article depends on nothing but its text and its
source's home, and a home is taught only by the source's own articles (homes.py): so each worker's share is whole
sources, their articles with their places in the run (Extractor.extract's `positions`), each read with the home it
gets in one process. A share is read as a chain of tasks, a stretch of its articles each, every one going on from
where the one before left the reading (extract.Carry): the results of each stretch come back to this process as it
ends, and are stored in the run's order through the one writer while the workers read on (grouping depends on
that order; SQLite has one writer anyway). A worker loads the model and the gazetteer once, for all its tasks. A
worker killed mid-task: Dask runs again what it held, and nothing was stored twice. The scheduler gone:
DistributedFailed, which the CLI tells in one line; a re-run finds what was stored.
"""
from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import heapq
import logging
from concurrent.futures import CancelledError
from collections.abc import Iterable, Iterator
from itertools import chain
from dataclasses import dataclass

from .extract import Carry
from .models import Article, Extraction

# A share (one per worker) is read in about this many stretches, one task each, of at least MIN_STRETCH articles.
STRETCHES = 8
MIN_STRETCH = 16
CONNECT_TIMEOUT_S = 10
M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters
_EXTRACTOR = None  # a worker process's Extractor (_loaded())


class DistributedFailed(Exception):
    """The scheduler could not be reached, or went away: said in one line."""


@dataclass(frozen=True)
class Failure:
    """An article whose extraction raised on a worker: how the run reports it."""

    position: int
    kind: str
    message: str


def extract_stretch(stretch: list[tuple[int, Article]], before: Stretched | None, last: bool) -> Stretched:
    """On a worker: one stretch of a share's articles, each with its place in the run, read on from where the
    stretch before it left the reading (`before`: that task's answer); the share's last one finishes it."""
    extractor = _loaded()
    carry = before.carry.thaw(extractor.nlp.vocab) if before is not None else Carry()
    position_of = {id(r.article): r.position for r in carry.window} | {id(a): n for n, a in stretch}
    done: list[tuple[int, Extraction]] = []
    failures: list[Failure] = []

    def failed(article: Article, exc: Exception) -> None:
        failures.append(Failure(position_of[id(article)], type(exc).__name__, str(exc)))

    extractions = extractor.extract([a for _, a in stretch], on_error=failed, positions=[n for n, _ in stretch],
                                    carry=carry)
    for extraction in chain(extractions, extractor.finish(carry, failed) if last else ()):
        done.append((position_of[id(extraction.article)], extraction))
    return Stretched(done, failures, carry.freeze())


def _loaded():
    """The worker process's Extractor, loaded once for all its tasks."""
    global _EXTRACTOR
    if _EXTRACTOR is None:
        from .extract import Extractor

        _roomy_allocator()
        _EXTRACTOR = Extractor()
    return _EXTRACTOR


def _roomy_allocator() -> None:
    """Dask's nanny starts a worker with MALLOC_TRIM_THRESHOLD_ set, which turns off glibc's own thresholds: every
    mid-size array of a parse goes back to the system and is asked for again, and extraction is 15-20 % slower.
    The worker's allocator keeps them, as glibc's own thresholds would once grown (a worker holds a model anyway)."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"))
        libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(M_TRIM_THRESHOLD, 64 << 20)
    except (OSError, AttributeError, TypeError):  # not glibc: its own defaults, whatever they are
        pass


@dataclass(frozen=True)
class Stretched:
    """What one stretch's task gives back: the articles it finished, those that failed, and where it left off."""

    done: list[tuple[int, Extraction]]
    failures: list[Failure]
    carry: Carry


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
        futures = []
        for share in shares(todo, workers):
            # One chain of tasks per share, a stretch each: what the first stretches finish is stored while the
            # workers read on, so the one writer works alongside them.
            size = max(MIN_STRETCH, len(share) // STRETCHES)
            before = None
            for start in range(0, len(share), size):
                before = self.client.submit(extract_stretch, share[start:start + size], before,
                                            start + size >= len(share), pure=False)
                futures.append(before)
        finished = as_completed(futures)
        futures.clear()  # each task's results are let go once stored
        ready: dict[int, Extraction | Failure] = {}
        following = 0
        try:
            for future in finished:
                stretched = future.result()
                ready.update(stretched.done)
                ready.update((f.position, f) for f in stretched.failures)
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

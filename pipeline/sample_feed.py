"""`python -m pipeline sample-feed`: the live flow on one machine without the internet. The bundled sample articles
are served on 127.0.0.1 as news sites would serve them — one RSS feed per source, one HTML page per article — and
released a few at a time, oldest first, as if they were being published; `watch` polls them like any source.

It writes the sources file `watch` needs (one feed per sample source) before it serves. Article text is
untrusted: it is escaped in every page and feed. The pages carry each article's date as `run` reads it, so the
sample stories land on the days they tell of.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import date, datetime, timezone
from email.utils import format_datetime
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from .ingest import Ingestor
from .models import Article

POLL = "1m"  # how often the written sources file polls each feed (the least any source may ask)


@dataclass(frozen=True)
class Sample:
    slug: str  # the source's path on the site
    article: Article


def samples(paths: list[str]) -> list[Sample]:
    """The articles `run` would store from `paths`, oldest first (undated ones last), each under its source."""
    articles = [a for a in Ingestor().read(paths) if isinstance(a, Article)]
    articles.sort(key=lambda a: (a.published or date.max, a.article_id))
    return [Sample(_slug(a.source), a) for a in articles]


def sources_file(samples_: list[Sample], base: str) -> str:
    """A sources file with one feed per sample source, at `base`."""
    names = {s.slug: s.article.source for s in samples_}
    blocks = ['[settings]\ncontact = "dateline-sample-feed@localhost"\nper_host = "1s"\n']
    for slug, name in sorted(names.items()):
        blocks.append(f'[[sources]]\nname = "{_toml(name)}"\nkind = "feed"\nurl = "{base}/{slug}/feed.xml"\n'
                      f'every = "{POLL}"\n')
    return "\n".join(blocks)


class SampleSite:
    """The site: the first `initial` articles out at once, then one more every `every_s` seconds."""

    def __init__(self, samples_: list[Sample], every_s: float, initial: int, clock=time.monotonic):
        self.samples, self.every_s, self.initial = samples_, every_s, initial
        self._clock, self._started = clock, clock()

    def released(self) -> list[Sample]:
        out = self.initial + int((self._clock() - self._started) // self.every_s)
        return self.samples[:max(0, min(len(self.samples), out))]

    def answer(self, path: str, base: str) -> tuple[int, str, bytes]:
        """(status, content type, body) for a GET of `path`."""
        if path == "/robots.txt":
            return 200, "text/plain", b"User-agent: *\nAllow: /\n"
        out = self.released()
        found = re.fullmatch(r"/([a-z0-9-]+)/feed\.xml", path)
        if found:
            items = [s for s in out if s.slug == found.group(1)]
            if not items and all(s.slug != found.group(1) for s in self.samples):
                return 404, "text/plain", b"no such feed"
            return 200, "application/rss+xml; charset=utf-8", _rss(found.group(1), items[::-1], base).encode()
        found = re.fullmatch(r"/([a-z0-9-]+)/([0-9a-f]+)\.html", path)
        for sample in out if found else ():
            if (sample.slug, sample.article.article_id) == found.groups():
                return 200, "text/html; charset=utf-8", _page(sample.article).encode()
        return 404, "text/plain", b"not here"


def server(site: SampleSite, port: int) -> ThreadingHTTPServer:
    """The HTTP server for `site` on 127.0.0.1:`port`, bound (a port in use fails here) but not yet serving."""
    base = f"http://127.0.0.1:{port}"

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the name http.server calls
            status, kind, body = site.answer(self.path.split("?")[0], base)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", port), Handler)


def _rss(slug: str, items: list[Sample], base: str) -> str:
    entries = []
    for sample in items:
        a = sample.article
        published = (f"<pubDate>{format_datetime(datetime.combine(a.published, datetime.min.time(), timezone.utc))}"
                     "</pubDate>" if a.published else "")
        entries.append(f"<item><title>{escape(a.title or '')}</title><link>{base}/{slug}/{a.article_id}.html</link>"
                       f"<guid>{base}/{slug}/{a.article_id}.html</guid>{published}</item>")
    name = escape(items[0].article.source) if items else slug
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}</title>'
            f"<link>{base}/{slug}/</link><description>Dateline sample articles</description>{''.join(entries)}"
            "</channel></rss>")


def _page(a: Article) -> str:
    meta = f'<meta property="article:published_time" content="{a.published.isoformat()}">' if a.published else ""
    paragraphs = "".join(f"<p>{escape(p.strip())}</p>" for p in re.split(r"\n\s*\n", a.text) if p.strip())
    title = escape(a.title or "")
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>{meta}</head><body>'
            f"<article><h1>{title}</h1>{paragraphs}</article></body></html>")


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or "source"


def _toml(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def write_sources(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")

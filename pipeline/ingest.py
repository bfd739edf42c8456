"""Files, folders and dumps -> Article rows, or a Rejection with a one-line reason.

Nothing here raises for bad input: every file and every record is accounted for.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import sys
import unicodedata
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlparse

from .config import ARTICLE_SUFFIXES, DUMP_SUFFIXES, HTML_SUFFIXES, MAX_ARTICLE_CHARS, MAX_FILE_BYTES
from .models import Article, Rejection, stable_id
from .published import decide
from .source_names import readable

# A first line longer than this is a lead, not a headline: an untitled article is called by its first words.
HEADLINE_CHARS = 100
# A decoded text with more replaced characters than this is not text.
MAX_REPLACED_SHARE = 0.05
# Flags that mean the stored text or its metadata is not exactly what the input said: the run reports them.
WARNING_FLAGS = {
    "decode-replaced": "stored with undecodable bytes replaced by U+FFFD",
    "bad-published": "stored without its 'published' value, which is not a publication date",
}
_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # control characters text does not hold
_REAL_NON_ASCII = re.compile(r"[^\x00-\x7f\ufffd]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # JSON may spell lone ones ("\\ud800"); SQLite cannot store them


def text_hash(text: str) -> str:
    """Hash of the text with case, Unicode forms and spacing folded: the same story from two files matches."""
    folded = _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().lower()
    return stable_id(folded)


class Ingestor:
    """Reads inputs; `source` and `published` given on the command line fill what records lack."""

    def __init__(self, source: str | None = None, published: date | None = None):
        self.source = source
        self.published = published

    def read(self, paths: list[str]) -> Iterator[object]:
        """Yield an Article or a Rejection for every input, in a stable order."""
        for raw in paths:
            path = Path(raw)
            if path.is_dir():
                yield from self._read_dir(path)
            elif path.exists():
                yield from self._read_file(path)
            else:
                yield _reject(path, "no such file or directory")

    def _read_dir(self, folder: Path) -> Iterator[object]:
        unreadable: list[OSError] = []  # folders os.walk could not list: inputs we could not read
        seen = {folder.resolve()}  # linked folders are read too, each real folder once
        for root, dirs, files in os.walk(folder, onerror=unreadable.append, followlinks=True):
            yield from _folder_errors(unreadable)
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            yield from _prune_seen(Path(root), dirs, seen)
            for name in sorted(files):
                path = Path(root) / name
                if name.startswith(".") or name.lower() == "readme.md":
                    continue
                if path.suffix.lower() not in ARTICLE_SUFFIXES:
                    yield _reject(path, f"unsupported file type {path.suffix or '(none)'!r}")
                    continue
                yield from self._read_file(path)
        yield from _folder_errors(unreadable)

    def _read_file(self, path: Path) -> Iterator[object]:
        suffix = path.suffix.lower()
        try:
            data = _read_bytes(path)
        except OSError as exc:
            yield _reject(path, f"cannot read: {exc.strerror or exc}")
            return
        except ValueError as exc:
            yield _reject(path, str(exc))
            return
        text, flags, problem = decode(data)
        if problem:
            yield _reject(path, problem)
            return
        if suffix in DUMP_SUFFIXES:
            yield from self._read_dump(path, suffix, text, flags)
        elif suffix in HTML_SUFFIXES:
            yield self._from_html(path, text, flags)
        else:
            yield self._article(str(path), {"text": text}, path, flags)

    def _read_dump(self, path: Path, suffix: str, text: str, flags: tuple[str, ...]) -> Iterator[object]:
        if suffix == ".csv":
            yield from self._read_csv(path, text, flags)
        elif suffix == ".json":
            try:
                records = json.loads(text)
            except json.JSONDecodeError as exc:
                yield _reject(path, f"malformed JSON: {exc.msg} at line {exc.lineno}")
                return
            if isinstance(records, dict):  # one article object instead of a list of them
                yield self._record(str(path), records, path, flags)
                return
            if not isinstance(records, list):
                yield _reject(path, "JSON must be a list of article objects")
                return
            for n, record in enumerate(records, 1):
                yield self._record(f"{path}#{n}", record, path, flags)
        else:
            for n, line in enumerate(text.splitlines(), 1):
                if not line.strip():
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield _reject(f"{path}:{n}", f"malformed JSON line: {exc.msg}")
                    continue
                yield self._record(f"{path}:{n}", record, path, flags)

    def _read_csv(self, path: Path, text: str, flags: tuple[str, ...]) -> Iterator[object]:
        csv.field_size_limit(sys.maxsize)
        reader = csv.DictReader(io.StringIO(text, newline=""))
        if not reader.fieldnames or "text" not in [f.strip().lower() for f in reader.fieldnames]:
            yield _reject(path, "CSV has no 'text' column")
            return
        try:
            for row in reader:
                record = {(k or "").strip().lower(): v for k, v in row.items()}
                yield self._record(f"{path}:{reader.line_num}", record, path, flags)
        except csv.Error as exc:
            yield _reject(f"{path}:{reader.line_num}", f"malformed CSV: {exc}")

    def _record(self, origin: str, record: object, path: Path, flags: tuple[str, ...]) -> object:
        if not isinstance(record, dict):
            return _reject(origin, "record is not an object")
        if not isinstance(record.get("text"), str):
            return _reject(origin, "record has no 'text' field")
        return self._article(origin, record, path, flags)

    def _from_html(self, path: Path, html: str, flags: tuple[str, ...]) -> object:
        record = _html_record(html)
        if record is None:
            return _reject(path, "no article text found in the HTML")
        return self._article(str(path), record, path, flags)

    def from_page(self, url: str, html: str, source: str, feed_date: str | None, fetched_on: date) -> object:
        """A fetched page as an Article (or a Rejection): its text, title and publication date from the page
        itself (basis 'page'), else the date its feed or sitemap gave (basis 'feed'), else its URL's, else the day
        it was fetched (basis 'fetched'); the source's name from the sources file."""
        record = _html_record(html, url)
        if record is None:
            return _reject(url, "no article text found in the page")
        given_as = "page" if record.get("published") else "feed"
        record.update(url=url, source=source, published=record.get("published") or feed_date)
        return self._article(url, record, Path(urlparse(url).path or "/"), (), given_as, fetched_on)

    def from_feed_item(self, url: str, text: str, title: str | None, source: str, feed_date: str | None,
                       fetched_on: date) -> object:
        """A feed's own item (a source with full_pages = false) as an Article, dated by the feed (basis 'feed'),
        else as from_page."""
        record = {"text": text, "title": title, "url": url, "source": source, "published": feed_date}
        return self._article(url, record, Path(urlparse(url).path or "/"), (), "feed", fetched_on)

    def _article(self, origin: str, record: dict, path: Path, flags: tuple[str, ...], given_as: str = "given",
                 fetched_on: date | None = None) -> object:
        text, broken = _SURROGATE.subn("\ufffd", record["text"])
        if broken and "decode-replaced" not in flags:
            flags += ("decode-replaced",)
        if not text.strip():
            return _reject(origin, "empty article text")
        if len(text) > MAX_ARTICLE_CHARS:
            return _reject(origin, f"article text is {len(text):,} characters; the limit is {MAX_ARTICLE_CHARS:,}")
        url = _clean(record.get("url"))
        if url and urlparse(url).scheme not in ("http", "https"):
            url = None
        anchor, anchor_as = (fetched_on, "fetched") if fetched_on else (self.published, "option")
        published, basis, bad_date = decide(record.get("published"), url, anchor, text, given_as, anchor_as)
        flags = flags + (("bad-published",) if bad_date else ())
        digest = text_hash(text)
        return Article(
            article_id=stable_id("url:" + url) if url else digest,
            text=text, origin=_printable(origin), source=source_of(record, self.source, url, path),
            url=url, title=_clean(record.get("title")) or headline(text), published=published, published_basis=basis,
            text_hash=digest, flags=flags,
        )


def _html_record(html: str, url: str | None = None) -> dict | None:
    """Text, title, URL, site name and publication date of an HTML page (trafilatura), None without text."""
    import trafilatura  # imported here: a second or two of start-up that only HTML input needs

    extracted = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    doc = extracted.as_dict() if extracted is not None else {}
    if not (doc.get("text") or "").strip():
        return None
    return {"text": doc["text"], "title": doc.get("title"), "url": doc.get("url"), "source": doc.get("sitename"),
            "published": doc.get("date")}


def _prune_seen(root: Path, dirs: list[str], seen: set[Path]) -> Iterator[object]:
    """Drop (and report) linked folders already read: a link back up the tree would loop for ever."""
    for name in list(dirs):
        real = (root / name).resolve()
        if real in seen:
            dirs.remove(name)
            yield _reject(root / name, f"link to a folder already read ({real}); not followed")
        seen.add(real)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes; ValueError for what must not be read whole: FIFOs and devices (a read could block
    for ever or never end) and files over MAX_FILE_BYTES."""
    info = path.stat()
    if not stat.S_ISREG(info.st_mode):
        raise ValueError("not a regular file (a pipe, socket or device)")
    if info.st_size > MAX_FILE_BYTES:
        raise ValueError(f"file is {info.st_size / 2**20:,.0f} MiB; files over {MAX_FILE_BYTES // 2**20} MiB are "
                         "not read (split it)")
    return path.read_bytes()


def _folder_errors(errors: list[OSError]) -> Iterator[object]:
    while errors:
        error = errors.pop(0)
        yield _reject(error.filename, f"cannot read folder: {error.strerror or error}")


def decode(data: bytes) -> tuple[str, tuple[str, ...], str | None]:
    """Bytes -> (text, flags, problem). UTF-8 first, UTF-16 by its BOM, Windows-1252 as the usual legacy.

    UTF-8 with a few broken bytes is kept with U+FFFD in their place and flagged: reading it as Windows-1252
    would garble every accented letter instead."""
    if not data.strip():
        return "", (), "empty file"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), ("decoded-utf16",), None
        except UnicodeDecodeError:
            text = data.decode("utf-16", errors="replace")
            if text.count("\ufffd") > MAX_REPLACED_SHARE * len(text):
                return "", (), "invalid UTF-16 text"
            return text, ("decoded-utf16", "decode-replaced"), None
    if b"\x00" in data:
        return "", (), "binary data, not text"
    try:
        return data.decode("utf-8-sig"), (), None
    except UnicodeDecodeError:
        pass
    damaged = data.decode("utf-8-sig", errors="replace")
    if _mostly_utf8(damaged):
        return damaged, ("decode-replaced",), None
    try:
        text = data.decode("cp1252")
        if not _CONTROL.search(text):
            return text, ("decoded-cp1252",), None
    except UnicodeDecodeError:
        pass
    if damaged.count("\ufffd") > MAX_REPLACED_SHARE * len(damaged):
        return "", (), "not readable text (neither UTF-8, UTF-16 nor Windows-1252)"
    return damaged, ("decode-replaced",), None


def _mostly_utf8(text: str) -> bool:
    """Decoded UTF-8 that holds real multi-byte characters and few replacements: UTF-8 with damage."""
    replaced = text.count("\ufffd")
    return replaced <= MAX_REPLACED_SHARE * len(text) and _REAL_NON_ASCII.search(text) is not None


def source_of(record: dict, cli_source: str | None, url: str | None, path: Path) -> str:
    """The record's own source, else the one given on the command line, else the URL's host, else the folder;
    under the name readers know it by (source_names.py: "northern-ledger" is "Northern Ledger")."""
    named = _clean(record.get("source")) or _clean(cli_source)
    if not named and url:
        host = urlparse(url).hostname or ""
        named = host[4:] if host.startswith("www.") else host
    named = named or _clean(path.resolve().parent.name)
    return readable(named) if named else "unknown"


def headline(text: str) -> str:
    """A title for an article that came without one: its first line when that reads like a headline, else its
    first words."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) <= HEADLINE_CHARS:
        return first
    cut = first[:HEADLINE_CHARS].rsplit(" ", 1)[0]
    return cut.rstrip(",;:-–— ") + "…"


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = _WS.sub(" ", _SURROGATE.sub("\ufffd", str(value))).strip()
    return text or None


def _printable(value: object) -> str:
    """One line of valid text for an origin or a reason: a file may be named "a\\nb.txt", or with bytes that are
    not UTF-8, and the terminal wants one line per input while SQLite wants valid UTF-8."""
    return "".join(c if c.isprintable() else _escaped(c) for c in str(value))


def _escaped(char: str) -> str:
    if "\udc80" <= char <= "\udcff":  # a file-name byte that is not UTF-8, as Python keeps it
        return f"\\x{ord(char) - 0xdc00:02x}"
    return char.encode("unicode_escape").decode("ascii")


def _reject(origin: object, reason: str) -> Rejection:
    return Rejection(_printable(origin), _printable(reason))

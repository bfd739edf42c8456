"""The sources file (`data/sources.toml`): the feeds, news sitemaps and pages `python -m pipeline watch` polls,
how often, and the settings every fetch obeys.

    [settings]                      # optional; each key has a default
    contact = "newsdesk@example.org"  # named in the User-Agent, so a site's operator can reach the team
    per_host = "5s"                 # at least this long between two requests to one host

    [[sources]]
    name = "Kyiv Independent"
    kind = "feed"                   # "feed" (RSS, Atom, RDF), "sitemap" (a news sitemap) or "pages"
    url = "https://kyivindependent.com/feed"   # "pages" takes `urls = [...]`
    every = "15m"                   # how often to poll: "90s", "15m", "1h", "1h30m", "1d"
    region = "UA"                   # optional: the source's home, which favours local readings of ambiguous
                                    # places: a country ("GB") or a GeoNames admin-1 region ("US.VA")
    full_pages = true               # optional (default true): fetch each item's page; false: the feed's own text

A source with a mistake gets one line naming it and the reason, and the others are polled; a file that cannot
be read at all is one line too. Nothing is fetched that this file does not name.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from .homes import WHOLE_COUNTRY, Region

KINDS = ("feed", "sitemap", "pages")
_REGION = re.compile(r"([A-Za-z]{2})(?:\.([A-Za-z0-9]{1,20}))?")
_DURATION = re.compile(r"(\d+)\s*([smhd])")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
# A source polled more often than this would be impolite, whatever the file says.
MIN_EVERY_S = 60
DEFAULT_CONTACT = "set `contact` under [settings] in the sources file"


@dataclass(frozen=True)
class Settings:
    """What every fetch obeys."""

    contact: str = DEFAULT_CONTACT
    per_host_s: float = 5.0  # between two requests to one host
    timeout_s: float = 20.0  # to connect, and between two reads
    deadline_s: float = 60.0  # for one whole answer: a server that trickles bytes cannot hold up a round
    max_bytes: int = 5_000_000  # of any body, compressed or not
    max_redirects: int = 5
    retries: int = 2  # after a failure that may pass (a timeout, 429, 5xx), with backoff

    @property
    def user_agent(self) -> str:
        return f"Dateline/1.0 (news event map; +{self.contact})"


@dataclass(frozen=True)
class Source:
    name: str
    kind: str
    urls: tuple[str, ...]
    every_s: int
    region: Region | None = None  # (country, admin-1 or WHOLE_COUNTRY)
    full_pages: bool = True


def duration(text: object) -> int | None:
    """Seconds in "90s", "15m", "1h30m", "1d"; None if it is not one."""
    if not isinstance(text, str) or not text.strip():
        return None
    compact = text.replace(" ", "").lower()
    parts = _DURATION.findall(compact)
    if not parts or "".join(n + unit for n, unit in parts) != compact:
        return None
    return sum(int(n) * _SECONDS[unit] for n, unit in parts)


def load(path: Path) -> tuple[Settings, list[Source], list[str]]:
    """The settings, the sources that are right, and one line per problem (the file's, or a source's)."""
    try:
        table = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        return Settings(), [], [f"{path}: not read ({exc})"]
    problems: list[str] = []
    settings = _settings(table.get("settings", {}), path, problems)
    entries = table.get("sources", [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        return settings, [], problems + [f"{path}: `sources` must be [[sources]] tables"]
    sources: list[Source] = []
    for number, entry in enumerate(entries, 1):
        found = _source(entry, f"{path}: source {number}", problems)
        if found and any(s.name == found.name for s in sources):
            problems.append(f"{path}: source {number} ({found.name!r}): the name is taken by an earlier source")
        elif found:
            sources.append(found)
    if not entries:
        problems.append(f"{path}: no [[sources]] in it")
    return settings, sources, problems


def _settings(table: object, path: Path, problems: list[str]) -> Settings:
    if not isinstance(table, dict):
        problems.append(f"{path}: [settings] must be a table; using the defaults")
        return Settings()
    default = Settings()
    contact = table.get("contact", default.contact)
    per_host = duration(table.get("per_host", "5s"))
    if not isinstance(contact, str) or not contact.strip():
        problems.append(f"{path}: settings: `contact` must be text (an address or a URL); using the default")
        contact = default.contact
    if per_host is None or per_host < 1:
        problems.append(f"{path}: settings: `per_host` must be a duration of a second or more, like \"5s\"; using 5s")
        per_host = int(default.per_host_s)
    return Settings(contact=contact.strip(), per_host_s=float(per_host))


def _source(entry: dict, where: str, problems: list[str]) -> Source | None:
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        problems.append(f"{where}: needs a `name`")
        return None
    where = f"{where} ({name.strip()!r})"
    kind = entry.get("kind")
    if kind not in KINDS:
        problems.append(f"{where}: `kind` must be one of {', '.join(KINDS)}, not {kind!r}")
        return None
    urls = entry.get("urls") if kind == "pages" else [entry.get("url")]
    if kind == "pages" and "url" in entry and urls is None:
        urls = [entry["url"]]
    if not isinstance(urls, list) or not urls or not all(_web(u) for u in urls):
        wanted = "`urls`, a list of http(s) URLs" if kind == "pages" else "`url`, an http(s) URL"
        problems.append(f"{where}: needs {wanted}")
        return None
    every = duration(entry.get("every"))
    if every is None:
        problems.append(f"{where}: `every` must be a duration like \"15m\" or \"1h\", not {entry.get('every')!r}")
        return None
    if every < MIN_EVERY_S:
        problems.append(f"{where}: `every` is under a minute; polled every minute instead")
        every = MIN_EVERY_S
    region = _region(entry.get("region", ""))
    full_pages = entry.get("full_pages", True)
    if region is None or not isinstance(full_pages, bool):
        problems.append(f"{where}: `region` must be a country code like \"GB\" or a region like \"US.VA\", and "
                        "`full_pages` true or false")
        return None
    return Source(name.strip(), kind, tuple(u.strip() for u in urls), every, region or None, full_pages)


def _region(value: object) -> Region | tuple[()] | None:
    """"GB" → ("GB", WHOLE_COUNTRY), "US.VA" → ("US", "VA"); () when absent, None when it is no region."""
    if value == "":
        return ()
    found = _REGION.fullmatch(value.strip()) if isinstance(value, str) else None
    if found is None:
        return None
    return found.group(1).upper(), (found.group(2) or WHOLE_COUNTRY).upper()


def _web(url: object) -> bool:
    if not isinstance(url, str):
        return False
    parts = urlsplit(url.strip())
    return parts.scheme in ("http", "https") and bool(parts.netloc)

"""Polite HTTP for `pipeline watch`: one GET of one URL the sources file named, as a site's operator would want it.

- A User-Agent that names Dateline and the team's contact (sources.Settings).
- robots.txt honoured, read once per site a day (ROBOTS_TTL_S) by a fetcher; a site without one (4xx) allows all, a site whose robots.txt
  cannot be read is not fetched this round.
- At least `per_host` between two requests to one host, redirects and robots.txt included.
- Conditional GET: the ETag and Last-Modified of the last answer go back, and a 304 costs nothing.
- Connect and read timeouts, and a deadline for a whole answer (a trickle of bytes never times a read out); a cap
  on every body, on the bytes as sent and as decompressed (a small gzip can
  inflate to gigabytes); at most `max_redirects` hops, each checked against robots.txt.
- A failure that may pass (a timeout, a dropped connection, 429, 5xx) is tried again after a backoff, or after
  the server's Retry-After when it says one (beyond MAX_RETRY_AFTER_S: left for the next round).
Nothing here follows links off a page. Every call returns a Fetched, which the caller records.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from .sources import Settings

# Outcomes of one fetch, as recorded.
OK, UNCHANGED, FAILED, REFUSED, TOO_BIG = "ok", "unchanged", "failed", "refused by robots.txt", "too big"
MAX_RETRY_AFTER_S = 60.0
ROBOTS_TTL_S = 86400.0  # a long-lived `watch` reads each site's robots.txt again after this long
BACKOFF_S = 2.0  # the first retry's wait; doubled for each next one


@dataclass(frozen=True)
class Fetched:
    """What one fetch of `url` came to: the body only when `outcome` is OK."""

    url: str
    outcome: str
    status: int | None = None
    final_url: str | None = None
    body: bytes = b""
    bytes_received: int = 0  # as sent (compressed), every hop and retry together
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    error: str | None = None


class Fetcher:
    """One client for all of a `watch`: it keeps each site's robots.txt answer (a day) and last request time."""

    def __init__(self, settings: Settings, sleep=time.sleep, clock=time.monotonic):
        self.settings, self._sleep, self._clock = settings, sleep, clock
        self._client = httpx.Client(headers={"User-Agent": settings.user_agent}, follow_redirects=False,
                                    timeout=httpx.Timeout(settings.timeout_s))
        self._last: dict[str, float] = {}
        # per origin: when it was read, and its rules or why they could not be read
        self._robots: dict[str, tuple[float, RobotFileParser | str]] = {}

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> Fetched:
        """`url` fetched politely (see the module's docstring); never raises for what the network does."""
        received, current = 0, url
        for _ in range(self.settings.max_redirects + 1):
            refusal = self._robots_refusal(current)
            if refusal:
                return Fetched(url, REFUSED if refusal == REFUSED else FAILED, final_url=current,
                               bytes_received=received, error=None if refusal == REFUSED else refusal)
            result = self._with_retries(current, etag if current == url else None,
                                        last_modified if current == url else None)
            received += result.bytes_received
            location = result.final_url if result.outcome == "redirect" else None
            if location is None:
                return Fetched(url, result.outcome, result.status, current, result.body, received, result.etag,
                               result.last_modified, result.content_type, result.error)
            current = location
        return Fetched(url, FAILED, final_url=current, bytes_received=received,
                       error=f"more than {self.settings.max_redirects} redirects")

    def _with_retries(self, url: str, etag: str | None, last_modified: str | None) -> Fetched:
        attempt = 0
        while True:
            result, retry_after = self._once(url, etag, last_modified)
            if retry_after is None or attempt >= self.settings.retries:
                return result
            wait = retry_after if retry_after >= 0 else BACKOFF_S * 2 ** attempt
            if wait > MAX_RETRY_AFTER_S:
                return result
            self._sleep(wait)
            attempt += 1

    def _once(self, url: str, etag: str | None, last_modified: str | None) -> tuple[Fetched, float | None]:
        """One request: the result, and when to try again (seconds, -1 for the backoff; None: do not)."""
        headers = {k: v for k, v in (("If-None-Match", etag), ("If-Modified-Since", last_modified)) if v}
        self._wait_for_host(url)
        deadline = self._clock() + self.settings.deadline_s
        try:
            with self._client.stream("GET", url, headers=headers) as response:
                status, kind = response.status_code, response.headers.get("Content-Type")
                if response.is_redirect and "Location" in response.headers:
                    return Fetched(url, "redirect", status, urljoin(url, response.headers["Location"]),
                                   bytes_received=response.num_bytes_downloaded), None
                if status == 304:
                    return Fetched(url, UNCHANGED, status, url, bytes_received=response.num_bytes_downloaded), None
                if status != 200:
                    again = _retry_after(response.headers.get("Retry-After")) if status in (429, 503) else None
                    return (Fetched(url, FAILED, status, url, bytes_received=response.num_bytes_downloaded,
                                    error=f"HTTP {status}"),
                            again if again is not None else (-1 if status == 429 or status >= 500 else None))
                body, too_big = bytearray(), False
                for chunk in response.iter_bytes():
                    body += chunk
                    if len(body) > self.settings.max_bytes or response.num_bytes_downloaded > self.settings.max_bytes:
                        too_big = True
                        break
                    if self._clock() > deadline:
                        return Fetched(url, FAILED, status, url, bytes_received=response.num_bytes_downloaded,
                                       error=f"answer took over {self.settings.deadline_s:g} s"), None
                sent = response.num_bytes_downloaded
                if too_big:
                    return Fetched(url, TOO_BIG, status, url, bytes_received=sent,
                                   error=f"over {self.settings.max_bytes:,} bytes"), None
                return Fetched(url, OK, status, url, bytes(body), sent, response.headers.get("ETag"),
                               response.headers.get("Last-Modified"), kind), None
        except httpx.TimeoutException:
            return Fetched(url, FAILED, error=f"no answer within {self.settings.timeout_s:g} s"), -1
        except (httpx.TransportError, httpx.DecodingError) as exc:
            return Fetched(url, FAILED, error=f"{type(exc).__name__}: {exc}"[:200]), -1
        except httpx.InvalidURL as exc:
            return Fetched(url, FAILED, error=f"bad URL: {exc}"), None

    def _wait_for_host(self, url: str) -> None:
        host = urlsplit(url).netloc.lower()
        last = self._last.get(host)
        if last is not None:
            wait = self.settings.per_host_s - (self._clock() - last)
            if wait > 0:
                self._sleep(wait)
        self._last[host] = self._clock()

    def _robots_refusal(self, url: str) -> str | None:
        """None if robots.txt lets Dateline fetch `url`; REFUSED if it does not; else why it could not be read."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots or self._clock() - self._robots[origin][0] > ROBOTS_TTL_S:
            self._robots[origin] = (self._clock(), self._read_robots(origin))
        rules = self._robots[origin][1]
        if isinstance(rules, str):
            return f"robots.txt not read: {rules}"
        return None if rules.can_fetch(self.settings.user_agent, url) else REFUSED

    def _read_robots(self, origin: str) -> RobotFileParser | str:
        found = self._with_retries(f"{origin}/robots.txt", None, None)
        for _ in range(self.settings.max_redirects):  # often to https or to another host's copy
            if found.outcome != "redirect":
                break
            found = self._with_retries(found.final_url, None, None)
        rules = RobotFileParser()
        if found.outcome == OK:
            rules.parse(found.body.decode("utf-8", "replace").splitlines())
        elif found.status is not None and 400 <= found.status < 500:
            rules.allow_all = True  # no robots.txt: everything is allowed
        else:
            return found.error or found.outcome
        return rules


def _retry_after(value: str | None) -> float | None:
    """Retry-After in seconds (a number, or an HTTP date), None if absent or unreadable."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None

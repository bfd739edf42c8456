"""Publication dates read like a person reads them, or none: never the day of the run.

An article's relative dates ("Friday", "last week") count from its publication date, so a wrong one moves every
event of the article. The date comes, in this order, from the record's own value in any form dumps, feeds and
pages use (ISO, RFC 2822, Twitter's "Wed Nov 23 12:00:00 +0000 2016", "December 19, 2016", with times and zones;
the date as written, not moved to UTC), from a date in the article's URL (/2016/12/19/, /20090320/), from the
command line's --published, or from the text when the text itself supports it (a dateline, a byline, a caption).
A value that only gives a month and a day ("Wed Nov 23") takes its year from the URL or the text where they
agree with its weekday. Otherwise the article is undated, and says so.
"""
from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from .config import PUBLISHED_RANGE

# How the date was found; stored with the article and shown beside its events.
BASES = ("given", "page", "feed", "url", "option", "fetched", "text", "none")  # page, feed, fetched: `watch`
_TWITTER = "%a %b %d %H:%M:%S %z %Y"
_DATEPARSER = {"PARSERS": ["timestamp", "custom-formats", "absolute-time"], "RETURN_AS_TIMEZONE_AWARE": False,
               "PREFER_DAY_OF_MONTH": "first"}
_ISO = re.compile(r"\s*(\d{4})-(\d{2})-(\d{2})(?:$|[T\s])")
_URL_DAY = re.compile(r"(?<![0-9])((?:19|20)\d\d)([/_-]?)(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?![0-9])")
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)/(0[1-9]|1[0-2])/")
_EPOCH_RANGE = (631152000, 4102444800)  # 1990 to 2100, in seconds


@dataclass(frozen=True)
class Partial:
    """A publication value without its year: month, day and, when written, the weekday (0 = Monday)."""

    month: int
    day: int
    weekday: int | None = None

    def in_year(self, year: int) -> date | None:
        try:
            found = date(year, self.month, self.day)
        except ValueError:
            return None
        return found if self.weekday is None or found.weekday() == self.weekday else None


@dataclass(frozen=True)
class Value:
    """What a record's `published` field holds: a day, a day without its year, or nothing usable (`bad` when
    something was written that is no date)."""

    day: date | None = None
    partial: Partial | None = None
    bad: bool = False


def parse_value(raw: object) -> Value:
    """A record's `published` value, in any common form."""
    if raw is None or raw == "":
        return Value()
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        return _epoch(float(raw))
    text = " ".join(str(raw).split())
    if not text:
        return Value()
    day = _iso(text) or _rfc2822(text) or _twitter(text) or _by_dateparser(text, ["day", "month", "year"])
    if day is not None:
        return Value(day=day) if plausible(day) else Value(bad=True)
    partial = _partial(text)
    return Value(partial=partial) if partial else Value(bad=True)


def plausible(day: date) -> bool:
    low, high = PUBLISHED_RANGE
    return low <= day <= high


def from_url(url: str | None) -> date | None:
    """A full date in the URL's path (/2016/12/19/, /2016-12-19-, /20090320/), when it is a real day no later
    than tomorrow."""
    if not url:
        return None
    path = url.split("?", 1)[0].split("#", 1)[0]
    path = path[path.find("/", path.find("//") + 2):] if "//" in path else path
    for m in _URL_DAY.finditer(path):
        try:
            day = date(int(m[1]), int(m[3]), int(m[4]))
        except ValueError:
            continue
        if date(1990, 1, 1) <= day <= date.today() + timedelta(days=1):
            return day
    return None


def url_years(url: str | None) -> set[int]:
    """Years a URL's path names with a month (/2018/01/): what completes a partial value."""
    if not url:
        return set()
    found = {int(m[1]) for m in _URL_MONTH.finditer(url)}
    day = from_url(url)
    return found | ({day.year} if day else set())


def _iso(text: str) -> date | None:
    m = _ISO.match(text)
    if not m:
        return None
    try:
        return date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _rfc2822(text: str) -> date | None:
    try:
        return email.utils.parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


def _twitter(text: str) -> date | None:
    try:
        return datetime.strptime(text, _TWITTER).date()
    except ValueError:
        return None


def _epoch(seconds: float) -> Value:
    if seconds > _EPOCH_RANGE[1] * 100:
        seconds /= 1000  # milliseconds
    if not _EPOCH_RANGE[0] <= seconds <= _EPOCH_RANGE[1]:
        return Value(bad=True)
    return Value(day=datetime.utcfromtimestamp(seconds).date())


def _by_dateparser(text: str, parts: list[str]) -> date | None:
    import dateparser  # imported here: half a second that only unusual values need

    found = dateparser.parse(text, settings={**_DATEPARSER, "REQUIRE_PARTS": parts})
    return found.date() if found is not None else None


_WEEKDAY = re.compile(r"\b(mon|tue|wed|thu|fri|sat|sun)[a-z]*\b", re.I)
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _partial(text: str) -> Partial | None:
    """'Wed Nov 23', 'November 23 at 7:58 AM': month and day, no year."""
    found = _by_dateparser(text, ["day", "month"])
    if found is None:
        return None
    weekday = _WEEKDAY.search(text)
    return Partial(found.month, found.day, _WEEKDAYS.index(weekday[1].lower()) if weekday else None)


# Where a text dates itself: its head (dateline, byline), a "Published"/"Updated" label, a photo caption.
HEAD_CHARS = 250
_LABEL = re.compile(r"\b(?:published|updated|posted|last modified)\b[^\n]{0,30}$", re.I)
# Words of a sentence before a date in the head: "died Thursday, March 5, 2009" dates a death, not the story;
# a byline ("BY RUSS ZIMMER Advocate Reporter March 15, 2009") or a dateline has none.
_SENTENCE_WORD = re.compile(r"\b(?:on|of|[a-z]{3,})\b")
# A caption's credit lies near its date; a text that is one long line is no caption because "(AP)" is in it.
CAPTION_REACH = 200
_CAPTION = re.compile(r"\(photo\b|\bphoto:|getty images|\bap photo\b|\breuters\b|\bafp\b|\bphotograph\b", re.I)
_DATELINE_LINE = re.compile(r"^[A-Z][A-Z .'-]{2,}(?:,\s*[A-Z][A-Za-z .]+)?\s*[-–—]", re.M)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


def from_text(text: str, days: list, partial: Partial | None = None, years: set[int] = frozenset()) -> date | None:
    """The latest of the text's own full dates that date the text itself (`days`: dates.explicit_days(text)):
    one in its head, after a "Published" or "Updated" label, or in a dateline or photo caption line; or a
    partial value completed with a year its weekday allows, from `years` (the URL's) or the text's. A history
    paragraph's "November 19, 1863" dates nothing but Gettysburg."""
    supported = [d.day for d in days if _dates_the_text(text, d.start)]
    later_year = max((int(y) for y in _YEAR.findall(text)), default=0)
    supported = [d for d in supported if d.year >= later_year - 1]
    if partial is not None:
        text_years = {int(y) for y in _YEAR.findall(text)}
        for year in sorted(years or text_years, reverse=True):
            day = partial.in_year(year)
            if day is not None:
                return day
    return max(supported) if supported else None


def _dates_the_text(text: str, offset: int) -> bool:
    line_start = text.rfind("\n", 0, offset) + 1
    if offset < HEAD_CHARS and not _SENTENCE_WORD.search(text, max(line_start, offset - 40), offset):
        return True
    line_end = text.find("\n", offset)
    line_end = line_end if line_end >= 0 else len(text)
    near = text[max(line_start, offset - CAPTION_REACH):min(line_end, offset + CAPTION_REACH)]
    return bool(_LABEL.search(text[max(line_start, offset - 40):offset]) or _CAPTION.search(near)
                or _DATELINE_LINE.match(text[line_start:line_end]))


def decide(raw: object, url: str | None, option: date | None, text: str,
           given_as: str = "given", option_as: str = "option") -> tuple[date | None, str, bool]:
    """(day, basis, bad value) for one article: its own value (basis `given_as`: 'given' for a record's, 'page' or
    'feed' for what `watch` fetched), its URL's date, the command line's (or, as 'fetched', the day `watch` fetched
    it: news is not listed long after it is out), the text's; else no date ('none'). `bad`
    says the record held a value that is no date, which the run reports."""
    from .dates import explicit_days  # the date rules: imported when a text must be read

    value = parse_value(raw)
    if value.day is not None:
        return value.day, given_as, False
    day = from_url(url)
    if day is not None:
        return day, "url", value.bad
    if option is not None:
        return option, option_as, value.bad
    inferred = from_text(text, explicit_days(text), value.partial, url_years(url))
    if inferred is not None:
        return inferred, "text", value.bad
    return None, "none", value.bad

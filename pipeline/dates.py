"""Temporal expressions -> TIMEX3 values, anchored on the article's publication date, never on today.

Our own rules find and normalise the forms news uses (weekdays, "Sept. 1", "earlier this year",
datelines with typos); dateparser reads the explicit dates spaCy finds that the rules do not know.
Durations ("3 days") and sets ("nightly") are not dates of events and are not returned.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta

from .models import DateMention

MONTHS = {"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
          "september": 9, "october": 10, "november": 11, "december": 12}
MONTH_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
              "oct": 10, "nov": 11, "dec": 12}
WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
SEASON_START = {"SP": 3, "SU": 6, "FA": 9, "WI": 12}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
NUMBER_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "several": 3, "few": 3}
# A month name written with a typo ("SEPTEMER") is still a month when it is this close to one.
MAX_MONTH_TYPOS = 1

_WORD_MONTH = r"(?P<mon>[A-Za-z]{3,10})\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_WD = "|".join(WEEKDAYS)
PATTERNS: list[tuple[str, re.Pattern]] = [(name, re.compile(rx, re.IGNORECASE)) for name, rx in [
    ("iso", r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b"),
    ("numeric", r"\b(?P<month>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})\b"),
    ("month_day", rf"\b{_WORD_MONTH}\s+{_DAY}\b(?:,?\s+{_YEAR}\b)?"),
    ("day_month", rf"\b(?:the\s+)?{_DAY}\s+(?:of\s+)?{_WORD_MONTH}(?:,?\s+{_YEAR}\b)?"),
    ("month_year", rf"\b{_WORD_MONTH},?\s+{_YEAR}\b"),
    ("month", rf"\b(?P<lead>in|since|until|by|during|early|late|mid-?|last|this|next|of|from)\s+{_WORD_MONTH}\b"),
    ("weekday", rf"\b(?:(?P<lead>last|next|this|on|earlier|early|late|later)\s+)?(?P<wd>{_WD})\b"
                r"(?:\s+(?:morning|afternoon|evening|night))?(?!s)"),
    ("ago", r"\b(?P<n>\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|several|few)\s+"
            r"(?P<unit>day|week|month|year)s?\s+ago\b"),
    ("deictic", r"\b(?P<word>yesterday|today|tomorrow|tonight)\b"),
    ("this_unit", r"\b(?:(?P<mod>earlier|later)\s+)?(?P<which>last|this|next|past|coming)\s+(?P<unit>week|month|year)\b"),
    ("decade", r"\b(?:the\s+)?(?P<dec>(?:19|20)\d)0s\b"),
    ("season", rf"\b(?P<lead>this|last|next|the|in|early|late)\s+(?P<season>spring|summer|autumn|fall|winter)"
               rf"(?:\s+(?:of\s+)?{_YEAR})?\b"),
    ("quarter", rf"\b(?:the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter(?:\s+of\s+{_YEAR})?\b"),
    ("year", r"\b(?P<lead>in|since|by|during|until|from|before|after|of|early|late|mid-)\s+(?P<year>(?:19|20)\d{2})\b(?!\s*(?:%|percent|people|troops))"),
    ("present", r"\b(?:now|currently|at present|at the moment)\b"),
    ("past", r"\b(?:recently|lately|in recent (?:days|weeks|months))\b"),
]]
_FUTURE_CUE = re.compile(r"\b(?:will|shall|'ll|scheduled|plans? to|planned|due to|is set to|are set to|expected to)\b",
                         re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?\n]\s")
_HAS_YEAR = re.compile(r"\b(?:19|20)\d{2}\b")


def find_dates(text: str, published: date, candidates: Iterable[tuple[int, int]] = ()) -> list[DateMention]:
    """All temporal expressions of the text, non-overlapping, normalised against `published`."""
    found: list[DateMention] = []
    for name, pattern in PATTERNS:
        for m in pattern.finditer(text):
            mention = _normalise(name, m, text, published)
            if mention is not None:
                found.append(mention)
    found += _from_candidates(text, published, candidates, found)
    return _without_overlaps(found)


def infer_published(text: str) -> date | None:
    """The latest fully explicit date in the text (datelines and captions included), or None."""
    days = [m.day for m in find_dates(text, date(1900, 1, 1)) if m.basis == "explicit" and m.precision == "day"]
    return max(days) if days else None


# ---------------------------------------------------------------- normalisation per pattern


def _normalise(name: str, m: re.Match, text: str, anchor: date) -> DateMention | None:
    g = m.groupdict()
    if name in ("iso", "numeric"):
        return _day(m, _safe_date(int(g["year"]), int(g["month"]), int(g["day"])), "explicit")
    if name in ("month_day", "day_month"):
        month = month_number(g["mon"])
        if month is None or (g["mon"].lower() == "may" and not g.get("year") and name == "month_day"
                             and not g["mon"][0].isupper()):
            return None
        day = int(g["day"])
        if g.get("year"):
            return _day(m, _safe_date(int(g["year"]), month, day), "explicit")
        return _day(m, _nearest_year(anchor, month, day), "relative")
    if name == "month_year":
        month = month_number(g["mon"])
        if month is None:
            return None
        return _mention(m, f"{int(g['year']):04d}-{month:02d}", "month", "explicit", date(int(g["year"]), month, 1))
    if name == "month":
        month = month_number(g["mon"], typos=0)
        if month is None or (g["mon"].lower() == "may" and not g["mon"][0].isupper()):
            return None
        year = _month_year(anchor, month, g["lead"].lower())
        start = m.start("mon") if g["lead"].lower() in ("in", "since", "until", "by", "during", "of", "from") else m.start()
        return _mention(m, f"{year:04d}-{month:02d}", "month", "relative", date(year, month, 1), start=start)
    if name == "weekday":
        return _weekday(m, text, anchor)
    if name == "ago":
        n = int(g["n"]) if g["n"].isdigit() else NUMBER_WORDS[g["n"].lower()]
        return _shifted(m, anchor, g["unit"].lower(), -n)
    if name == "deictic":
        offset = {"yesterday": -1, "today": 0, "tonight": 0, "tomorrow": 1}[g["word"].lower()]
        return _day(m, anchor + timedelta(days=offset), "relative")
    if name == "this_unit":
        shift = {"last": -1, "past": -1, "this": 0, "next": 1, "coming": 1}[g["which"].lower()]
        if g["which"].lower() == "past" and not g["mod"]:
            return None  # "the past week" is a duration
        return _shifted(m, anchor, g["unit"].lower(), shift, unit_precision=True)
    if name == "decade":
        return _mention(m, f"{g['dec']}X", "decade", "explicit", date(int(g["dec"]) * 10, 1, 1))
    if name == "season":
        return _season(m, anchor)
    if name == "quarter":
        year = int(g["year"]) if g.get("year") else anchor.year
        q = ORDINALS[g["ord"].lower()]
        return _mention(m, f"{year}-Q{q}", "quarter", "explicit" if g.get("year") else "relative",
                        date(year, 3 * q - 2, 1))
    if name == "year":
        year = int(g["year"])
        return _mention(m, f"{year:04d}", "year", "explicit", date(year, 1, 1), start=m.start("year"))
    if name == "present":
        return _mention(m, "PRESENT_REF", "ref", "relative", None)
    if name == "past":
        return _mention(m, "PAST_REF", "ref", "relative", None)
    return None


def month_number(word: str, typos: int = MAX_MONTH_TYPOS) -> int | None:
    """'Sept' -> 9, 'SEPTEMER' -> 9 (one letter missing), 'Monday' -> None."""
    w = word.lower().rstrip(".")
    if w in MONTHS:
        return MONTHS[w]
    if w in MONTH_ABBR:
        return MONTH_ABBR[w]
    if typos and len(w) >= 5:
        for name, number in MONTHS.items():
            if len(name) >= 5 and _edit_distance_at_most_one(w, name):
                return number
    return None


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:] or (len(a) == len(b) and a[i + 1:] == b[i + 1:])


def _weekday(m: re.Match, text: str, anchor: date) -> DateMention:
    wd = WEEKDAYS.index(m.group("wd").lower())
    lead = (m.group("lead") or "").lower()
    back = (anchor.weekday() - wd) % 7
    if lead == "next" or (lead not in ("last", "earlier") and back and _future_context(text, m.start())):
        ahead = (wd - anchor.weekday()) % 7 or 7
        day = anchor + timedelta(days=ahead)
    else:
        day = anchor - timedelta(days=back or (7 if lead == "last" else 0))
    start = m.start("wd") if lead in ("on", "earlier", "early", "late", "later") else m.start()
    return _day(m, day, "relative", start=start)


def _future_context(text: str, pos: int) -> bool:
    """A weekday in a clause about the future ("will meet on Tuesday") is the coming one."""
    window = text[max(0, pos - 80):pos]
    starts = list(_SENTENCE_START.finditer(window))
    clause = window[starts[-1].end():] if starts else window
    return bool(_FUTURE_CUE.search(clause))


def _shifted(m: re.Match, anchor: date, unit: str, n: int, unit_precision: bool = False) -> DateMention:
    if unit == "day":
        return _day(m, anchor + timedelta(days=n), "relative")
    if unit == "week":
        day = anchor + timedelta(weeks=n)
        if not unit_precision:
            return _day(m, day, "relative")
        year, week, _ = day.isocalendar()
        monday = day - timedelta(days=day.weekday())
        return _mention(m, f"{year}-W{week:02d}", "week", "relative", monday)
    if unit == "month":
        total = anchor.year * 12 + anchor.month - 1 + n
        year, month = divmod(total, 12)
        return _mention(m, f"{year:04d}-{month + 1:02d}", "month", "relative", date(year, month + 1, 1))
    year = anchor.year + n
    return _mention(m, f"{year:04d}", "year", "relative", date(year, 1, 1))


def _season(m: re.Match, anchor: date) -> DateMention:
    code = SEASONS[m.group("season").lower()]
    lead = m.group("lead").lower()
    if m.group("year"):
        year, basis = int(m.group("year")), "explicit"
    else:
        shift = {"last": -1, "next": 1}.get(lead, 0)
        year, basis = anchor.year + shift, "relative"
    start = m.start("season") if lead in ("the", "in") and not m.group("year") else m.start()
    return _mention(m, f"{year}-{code}", "season", basis, date(year, SEASON_START[code], 1), start=start)


def _nearest_year(anchor: date, month: int, day: int) -> date | None:
    """A month and day without a year: the occurrence nearest the anchor, the past weighing half as much."""
    options = [d for d in (_safe_date(anchor.year + k, month, day) for k in (-1, 0, 1)) if d]
    if not options:
        return None
    return min(options, key=lambda d: (anchor - d).days if d <= anchor else 2 * (d - anchor).days)


def _month_year(anchor: date, month: int, lead: str) -> int:
    if lead == "last":
        return anchor.year - 1 if month >= anchor.month else anchor.year
    if lead == "next":
        return anchor.year + 1 if month <= anchor.month else anchor.year
    return _nearest_year(anchor, month, 1).year


def _from_candidates(text: str, anchor: date, candidates, found: list[DateMention]) -> list[DateMention]:
    """spaCy DATE spans with a year that no rule matched: dateparser reads them."""
    import dateparser

    taken = [(d.start, d.end) for d in found]
    out = []
    for start, end in candidates:
        span = text[start:end]
        if any(s < end and start < e for s, e in taken) or not _HAS_YEAR.search(span):
            continue
        settings = {"RELATIVE_BASE": datetime(anchor.year, anchor.month, anchor.day), "REQUIRE_PARTS": ["year"],
                    "PREFER_DATES_FROM": "current_period"}
        parsed = dateparser.parse(span, languages=["en"], settings=settings)
        if parsed is not None:
            if re.fullmatch(r"\D*(?:19|20)\d{2}\D*", span) and not re.search(r"[A-Za-z]{3}", span.replace(span.strip(), "")):
                out.append(DateMention(start, end, span, f"{parsed.year:04d}", "year", "explicit", date(parsed.year, 1, 1)))
    return out


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day) if year >= 1 else None
    except ValueError:
        return None


def _day(m: re.Match, day: date | None, basis: str, start: int | None = None) -> DateMention | None:
    if day is None:
        return None
    return _mention(m, day.isoformat(), "day", basis, day, start=start)


def _mention(m: re.Match, value: str, precision: str, basis: str, day: date | None,
             start: int | None = None) -> DateMention:
    start = m.start() if start is None else start
    return DateMention(start, m.end(), m.string[start:m.end()], value, precision, basis, day)


def _without_overlaps(found: list[DateMention]) -> list[DateMention]:
    """Longest first: "Sept. 1, 2022" beats "Sept. 1"; "earlier this year" beats "this year"."""
    chosen: list[DateMention] = []
    for d in sorted(found, key=lambda d: (-(d.end - d.start), d.start)):
        if all(d.end <= c.start or d.start >= c.end for c in chosen):
            chosen.append(d)
    return sorted(chosen, key=lambda d: d.start)

"""Temporal expressions in news text -> TIMEX3 values, anchored on the publication date, never on today.

Our own rules find and normalise what news writes (weekdays, "Sept. 1", "earlier this year", all-caps
datelines with typos): dateparser's `search_dates` over a whole article gives false hits, moves weekdays
a week back and cannot read vague phrases. dateparser only reads spaCy DATE spans no rule understood.
Durations ("3 days") and sets ("nightly") are not dates of events and are never returned. A text that tells
of other years ("In 1944 ... in June") dates yearless days in the year of its last scene; expressions dated
from the text's own dates ("the quarter", "a year earlier", "the following year") are read afterwards, in
text order, by dates_references.py.

Speed: each rule's regex starts with a required core word ("friday", "2019", "ago") and runs
case-sensitively over a lower-cased copy, so Python's `re` skips ahead by first character; the optional
words before a core ("last", "in", "earlier") are read back from the core by small `...$` regexes.

The vocabulary is in dates_words.py, what an expression means in dates_values.py, the rules in dates_rules.py.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from functools import lru_cache

from .dates_references import resolve_references
from .dates_rules import FULL_DATE_RULES, RULES
from .dates_values import (SCENES, TENSE, Tense, future_cost, mention_of, month_mention, month_number, month_span,
                           nearest, safe_date, scene_years)
from .dates_words import BARE, HAS_DATE_WORD, NOT_A_DATE
from .models import DateMention

_c = re.compile


def find_dates(text: str, published: date, candidates: Iterable[tuple[int, int]] = (),
               tense: Tense | None = None) -> list[DateMention]:
    """Every temporal expression, sorted and non-overlapping; spaCy's spans only fill gaps the rules left.
    `tense`, when given, says which way a date without a year or week points; else the words around it do."""
    low = _lower(text)
    token, scenes = TENSE.set(tense), SCENES.set(scene_years(low, published))
    try:
        found = list(_scan(text, low, published, RULES))
        found += _from_candidates(text, published, candidates, found)
    finally:
        TENSE.reset(token)
        SCENES.reset(scenes)
    chosen: list[DateMention] = []
    for d in sorted(found, key=lambda d: (d.start - d.end, d.start)):  # longest first: "Sept. 1, 2022" wins
        if all(d.end <= c.start or d.start >= c.end for c in chosen):
            chosen.append(d)
    return resolve_references(text, low, published, _with_years(text, sorted(chosen, key=lambda d: d.start)))


# Two publication dates far apart: a date that reads the same from both is one the text fixes on its own.
_ANCHORS = (date(2001, 3, 14), date(2013, 9, 26))


def fixed_by_text(text: str, candidates: Iterable[tuple[int, int]] = (), tense: Tense | None = None
                  ) -> list[DateMention]:
    """The dates of an undated article: those that read the same whatever the publication date
    ("September 9, 2022", "in 2016"), so no relative date is counted from a day nobody gave."""
    first, second = (find_dates(text, anchor, candidates, tense) for anchor in _ANCHORS)
    same = {(d.start, d.end, d.value) for d in second}
    return [d for d in first if (d.start, d.end, d.value) in same and d.day is not None]


def explicit_days(text: str) -> list[DateMention]:
    """Every fully explicit date (day, month and year) in the text, in text order: published.py reads which of
    them date the article itself."""
    found = [d for d in _scan(text, _lower(text), date(2000, 1, 1), FULL_DATE_RULES) if d.basis == "explicit"]
    return sorted(found, key=lambda d: d.start)


def _lower(text: str) -> str:
    low = text.lower()
    if len(low) != len(text):  # a few characters lower-case to two ("İ"); keep offsets aligned
        low = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return low


def _scan(text: str, low: str, anchor: date, rules) -> Iterable[DateMention]:
    for pattern, handler in rules:
        for m in pattern.finditer(low):
            s = m.start()
            if s and low[s - 1].isalnum() and low[s].isalnum():
                continue  # inside a word: "Chicago" holds no "ago"
            mention = handler(m, text, anchor)
            if mention is not None:
                yield mention


# ---------------------------------------------------------------- a year written beside another expression

_YEARLESS = ("day", "month", "season", "quarter")
_YEAR_VALUE = _c(r"\d{4}")
_GAP_BEFORE_YEAR = _c(r",?\s+(?:of\s+)?", re.IGNORECASE)  # "June last year", "the winter of 1994"
_GAP_AFTER_YEAR = _c(r"(?:['’]s)?\s+")  # "the 1988 second quarter", "this year's third quarter"
_MONTH_BEFORE_YEAR = _c(r"\b(?P<mon>[A-Za-z]{3,9})\.?\s+(?:of\s+)?$")
_THE_ANY_CASE = _c(r"\bthe\s+$", re.IGNORECASE)


def _with_years(text: str, mentions: list[DateMention]) -> list[DateMention]:
    """A year written next to a month, season or quarter that names none gives it that year, in one
    expression: 'June last year', 'January nineteen ninety-seven', 'this year's third quarter'."""
    out: list[DateMention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev and _is_year(m) and prev.basis == "relative" and prev.precision in _YEARLESS \
                and _GAP_BEFORE_YEAR.fullmatch(text, prev.end, m.start):
            out[-1] = _rebased(text, prev.start, m.end, prev, m)
        elif prev and _is_year(prev) and m.precision == "quarter" and m.basis == "relative" \
                and _GAP_AFTER_YEAR.fullmatch(text, prev.end, m.start):
            the = _THE_ANY_CASE.search(text, max(0, prev.start - 8), prev.start)
            out[-1] = _rebased(text, the.start() if the else prev.start, m.end, m, prev)
        else:
            out.append(_month_before(text, m, prev.end if prev else 0) or m)
    return out


def _is_year(m: DateMention) -> bool:
    return m.precision == "year" and bool(_YEAR_VALUE.fullmatch(m.value))


def _month_before(text: str, m: DateMention, after: int) -> DateMention | None:
    """A year with a bare month word before it that no rule read: 'January nineteen ninety-seven'."""
    month = _is_year(m) and _MONTH_BEFORE_YEAR.search(text, max(after, m.start - 16), m.start)
    number = month and month_number(month["mon"])
    return number and month_mention(text, month.start(), m.end, date(int(m.value), number, 1), m.basis) or None


def _rebased(text: str, start: int, end: int, m: DateMention, year: DateMention) -> DateMention:
    """`m` moved into the year `year` names, spanning both."""
    y = int(year.value)
    day = m.day and (safe_date(y, m.day.month, m.day.day) or m.day)
    return mention_of(text, start, end, f"{y:04d}{m.value[4:]}", m.precision, year.basis, day)


# ---------------------------------------------------------------- spaCy's spans


def _from_candidates(text: str, anchor: date, candidates: Iterable[tuple[int, int]],
                     found: list[DateMention]) -> list[DateMention]:
    """spaCy DATE/TIME spans that no rule covered (beyond a bare year): a bare month or year ("the October rains"),
    else dateparser when the span names a month or year and is not a duration, set, age or time."""
    out: list[DateMention] = []
    low = _lower(text)
    for start, end in candidates:
        span = text[start:end]
        if not (0 <= start < end <= len(text)):
            continue
        # A rule's bare year inside a longer span ("September the 9th, 2022") does not keep the span out.
        if any(d.start < end and start < d.end and not (d.precision == "year" and start <= d.start and d.end <= end)
               for d in found):
            continue
        if not HAS_DATE_WORD.search(span) or NOT_A_DATE.search(span):
            continue
        bare = BARE.fullmatch(span)
        if bare and bare["mon"]:
            month = month_number(bare["mon"])
            weight = future_cost(low, start, month=True)
            first = month and nearest(anchor, lambda y: month_span(y, month), weight, start)
            mention = first and month_mention(text, start, end, first, "relative")
        elif bare:
            year = int(bare["year"])
            mention = mention_of(text, start, end, f"{year:04d}", "year", "explicit", date(year, 1, 1))
        else:
            mention = _parsed(text, start, end, anchor)
        if mention:
            out.append(mention)
    return out


def _parsed(text: str, start: int, end: int, anchor: date) -> DateMention | None:
    span = text[start:end]
    data = _dateparser(anchor).get_date_data(span)
    if data.date_obj is None or data.period not in ("day", "week", "month", "year"):
        return None
    day, period = data.date_obj.date(), data.period
    basis = "explicit" if re.search(r"\b\d{4}\b", span) else "relative"
    first = {"day": day, "week": day - timedelta(days=day.weekday()), "month": day.replace(day=1),
             "year": date(day.year, 1, 1)}[period]
    iso_year, week, _ = first.isocalendar()
    value = {"day": day.isoformat(), "week": f"{iso_year}-W{week:02d}", "month": f"{day.year:04d}-{day.month:02d}",
             "year": f"{day.year:04d}"}[period]
    return mention_of(text, start, end, value, period, basis, first)


@lru_cache(maxsize=32)
def _dateparser(anchor: date):
    """One English-only parser per anchor: explicit languages skip dateparser's slow detection."""
    from dateparser.date import DateDataParser  # imported on first need: most articles never get here

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(anchor.year, anchor.month, anchor.day), "PREFER_DATES_FROM": "current_period",
        "PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": True})

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
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from bisect import bisect_left
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from functools import lru_cache

from .dates_calendar import moved
from .dates_references import resolve_references
from .models import DateMention

_MONTHS = {name: n for n, name in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                             "august", "september", "october", "november", "december"), 1)}
_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
         "nov": 11, "dec": 12}
# Real words one typo away from a month name: "Match 3" is not March 3.
_NOT_MONTHS = {"match", "marsh", "marco", "marcy"}
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2}
_SHIFT = {"last": -1, "past": -1, "this": 0, "the": 0, "current": 0, "next": 1, "coming": 1}

_WD = "|".join(_WEEKDAYS)
# How messages abbreviate days ("this sat", "tmrw"); abbreviated weekdays count only after last/this/next/on.
_WD_ABBR = {"mon": "monday", "tues": "tuesday", "tue": "tuesday", "wed": "wednesday", "thurs": "thursday",
            "thur": "thursday", "thu": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday"}
_INFORMAL = {"tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "2morrow": "tomorrow", "tdy": "today",
             "2day": "today", "yday": "yesterday", "tonite": "tonight", "last nite": "last night"}
_INFORMAL_RE = "|".join(k.replace(" ", r"\s+") for k in _INFORMAL)
_NUM = "|".join(sorted(_NUMBERS, key=len, reverse=True)).replace(" ", r"\s+")
_YEAR = r"(?P<year>1\d\d\d|20\d\d)(?![\d%]|[.,]\d)\b"
_MOD = (r"(?P<mod>\b(?:earlier|later|early|mid|late)[-\s]+"
        r"|\b(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+)")
_PREP = r"(?:\b(?P<prep>in|since|until|till|during|before|after|through|throughout|by|from|between)\s+)"
_c = re.compile
# A bare four-digit number this close to the publication year is read as a year.
BARE_YEAR_RANGE = 30

# Looked for right after a core.
_YEAR_AFTER = _c(rf",?\s+(?:of\s+)?{_YEAR}")
_MON_AFTER = _c(r"\s+(?:of\s+)?(?P<mon>[a-z]{3,10})\b(?:\.(?=,?\s+\d{4}))?")
_DIGIT_AFTER = _c(r"[.,\s]*\d")
_PART_OF_DAY = _c(r"\s+(?:morning|afternoon|evening|night)\b")
_DURATION_AFTER = _c(r"\s+(?:\S+\s+)?(?:days?|weeks?|months?|years?|decades?|hours?)\b")
_COUNTED = _c(r"\s+(?!(?:as|was|has|is|his|its|this|thus)\b)[a-z]+s\b|\s+(?:people|men|women|children)\b")
# Looked for right before a core (each ends in `$`, searched in a window that ends at the core).
_MON_BEFORE = _c(rf"(?:\b(?:{_WD}),?\s+)?\b(?P<mon>[a-z]{{3,10}})(?:\.\s*|\s+)$")
_DAY_LEAD = _c(rf"(?:\b(?:{_WD}),?\s+)?(?:\bthe\s+)?$")
_MONTH_LEAD = _c(rf"{_PREP}?(?P<rest>{_MOD}?(?:\b(?P<which>last|this|next)\s+)?)$")
_WD_LEAD = _c(r"(?:\b(?P<lead>last|next|this|coming|past|every|each)|\b(?:earlier|early|later|late)(?:\s+on)?)\s+$")
_AGO_LEAD = _c(rf"(?:\b(?P<n>\d+|{_NUM}|a\s+few|few|several|some|many)\s+)?"
               r"\b(?P<unit>day|week|month|year|decade)s?\s+$")
_MOD_LEAD = _c(rf"{_MOD}$")
_PREP_LEAD = _c(rf"{_PREP}$")
_MONTH_WORDS = "|".join([*_MONTHS, *_ABBR])
_SCENE_YEAR = _c(_YEAR)
# Words for the publication's own days; a weekday before a date ("Sunday, December 7") is part of that date.
_PRESENT = _c(rf"\b(?:today|yesterday|tomorrow|tonight|last\s+(?:week|month|night)|this\s+(?:week|month|morning)"
              rf"|next\s+(?:week|month)|(?:{_WD})(?!,?\s+(?:\d|{_MONTH_WORDS})))\b")
_SCENE_LEAD = _c(rf"(?:\b(?:in|during|of|early|mid|late|spring|summer|autumn|fall|winter)[-\s]+"
                 rf"|\b(?:{_MONTH_WORDS})\.?\s+(?:\d\d?(?:st|nd|rd|th)?,?\s+)?"
                 rf"|\b\d\d?(?:st|nd|rd|th)?\s+(?:{_MONTH_WORDS})\.?,?\s+)$")
_YEAR_LEAD = _c(rf"{_PREP}?{_MOD}?(?P<fiscal>\bfiscal\s+)?$")
_DECADE_LEAD = _c(r"(?:\bthe\s+)?(?:\b(?:early|mid|late)[-\s]+)?$")
_SEASON_LEAD = _c(r"\b(?P<lead>this|last|next|the|early|mid|late)[-\s]+$")
_THE = _c(r"\bthe\s+$")
_ON = _c(r"\bon\s+$")
_SPELLED_LEAD = _c(r"\b(?:in|since|by|until|year|of)\s+$")
_NAME_BEFORE = _c(r"[A-Z][a-z]+\s+$")
_MEDIA_BEFORE = _c(r"\b(?:usa|russia)\s+$")

_FUTURE_CUE = _c(r"(?<!-)\b(?:will|would|shall|won['’]t|going\s+to|plans?\s+to|planned|scheduled|expected|forecast"
                 r"|set\s+to|due\s+(?:on|by|at)|(?:is|are)\s+to)\b|['’]ll\b")
_EFFECTIVE = _c(r"\beffective\s+$")  # "a new pact effective June 1": announced ahead of the day
_REPORTING = _c(r"\b(?:said|says|told|announced|reported|added|stated)\b")
_CLAUSE_BREAK = _c(r"[.;:!?\n]|,\s")
# spaCy spans: a bare month or year is read here, a span naming neither (or a duration, set, age) skipped.
_NOT_A_DATE = _c(r"\b(?:every|each|daily|nightly|weekly|monthly|annual(?:ly)?|hourly|old|ago|hours?|minutes?"
                 r"|days|weeks|months|years|decades|a\.m\.|p\.m\.)\b", re.IGNORECASE)
_HAS_DATE_WORD = _c(rf"\b(?:{'|'.join([*_MONTHS, *_ABBR])})\b|\b(?:1[89]|20)\d\d\b", re.IGNORECASE)
_BARE = _c(rf"(?:the\s+)?(?:(?P<mon>{'|'.join([*_MONTHS, *_ABBR])})\.?|{_YEAR})", re.IGNORECASE)


PAST_CLAUSE_WEIGHT = 4.0
# A month after these is a deadline, which may lie ahead even in a past-tense clause.
_DEADLINE = ("until", "till", "through", "by", "before")
# The tense of the clause at a character offset ("past", "future" or None), from the dependency parse.
Tense = Callable[[int], "str | None"]
_TENSE: ContextVar[Tense | None] = ContextVar("tense", default=None)
# A text tells of other years when it sets this many scenes in them for each word for its own days.
SCENES_PER_PRESENT_WORD = 4
# Where the text sets a scene in a year ("In 1944", "June 6, 1944"): (end offset, year), in text order.
_SCENES: ContextVar[list[tuple[int, int]]] = ContextVar("scenes", default=[])


def find_dates(text: str, published: date, candidates: Iterable[tuple[int, int]] = (),
               tense: Tense | None = None) -> list[DateMention]:
    """Every temporal expression, sorted and non-overlapping; spaCy's spans only fill gaps the rules left.
    `tense`, when given, says which way a date without a year or week points; else the words around it do."""
    low = _lower(text)
    token, scenes = _TENSE.set(tense), _SCENES.set(_scene_years(low, published))
    try:
        found = list(_scan(text, low, published, _RULES))
        found += _from_candidates(text, published, candidates, found)
    finally:
        _TENSE.reset(token)
        _SCENES.reset(scenes)
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
    found = [d for d in _scan(text, _lower(text), date(2000, 1, 1), _FULL_DATE_RULES) if d.basis == "explicit"]
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


def _lead(pattern: re.Pattern, low: str, pos: int) -> re.Match | None:
    return pattern.search(low, max(0, pos - 40), pos)


# ---------------------------------------------------------------- values


def _out(text: str, start: int, end: int, value: str, precision: str, basis: str, day: date | None) -> DateMention:
    return DateMention(start, end, text[start:end], value, precision, basis, day)


def _day_out(text: str, start: int, end: int, day: date | None, basis: str) -> DateMention | None:
    return None if day is None else _out(text, start, end, day.isoformat(), "day", basis, day)


def _month_out(text: str, start: int, end: int, first: date, basis: str) -> DateMention:
    return _out(text, start, end, f"{first.year:04d}-{first.month:02d}", "month", basis, first)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def _month(token: str, fuzzy: bool = False) -> int | None:
    """'Sept' -> 9, 'SEPTEMER' -> 9 (fuzzy), 'may' -> None (a verb unless capitalised)."""
    word, capital = token.lower(), token[:1].isupper()
    if word in _MONTHS:
        return _MONTHS[word] if capital or word not in ("may", "march") else None
    if word in _ABBR:
        return _ABBR[word] if capital else None
    if fuzzy and capital and len(word) >= 5 and word not in _NOT_MONTHS:
        allowed = 1 if len(word) < 8 else 2
        for name, number in _MONTHS.items():
            if len(name) >= 5 and name[0] == word[0] and _edits(word, name) <= allowed:
                return number
    return None


def _edits(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _future(low: str, pos: int) -> bool:
    """Is the expression in a clause about the future ("will meet on Tuesday", not "said Tuesday")?
    "effective June 1" is; else the parse's tense decides when there is one, else the words before it."""
    if _lead(_EFFECTIVE, low, pos):
        return True
    oracle = _TENSE.get()
    said = oracle(pos) if oracle else None
    if said:
        return said == "future"
    window = low[max(0, pos - 100):pos]
    clause = window[max((b.end() for b in _CLAUSE_BREAK.finditer(window)), default=0):]
    cues = list(_FUTURE_CUE.finditer(clause))
    return bool(cues) and not _REPORTING.search(clause, cues[-1].end())


def _past_clause(pos: int) -> bool:
    """Does the parse say the clause at `pos` is in the past tense?"""
    oracle = _TENSE.get()
    return bool(oracle) and oracle(pos) == "past"


def _weight(low: str, pos: int, prep: str | None = None, month: bool = False) -> float:
    """News mostly reports the past: prefer it, unless the clause speaks of the future (then the next
    occurrence); "since" is past, and so is a whole month in a past-tense clause ("changed in December"),
    unless it is a deadline ("gave them until January")."""
    if prep == "since":
        return float("inf")
    if _future(low, pos):
        return 0.0
    if not _past_clause(pos):
        return 2.0
    # A day leans further back, but not all the way: "declared a dividend payable Dec. 15".
    return float("inf") if month and prep not in _DEADLINE else PAST_CLAUSE_WEIGHT


def _scene_years(low: str, anchor: date) -> list[tuple[int, int]]:
    """(end, year) of every year written as a scene (after 'in', 'during', 'mid-', 'summer' or a month and
    day), in a text that tells of other years than its own: most of its scenes two or more years from the
    anchor, and few words for its own days ("said Tuesday", "last week"). News that mentions "the August 1988
    cease-fire" in passing, or gives a career's years, still dates "Aug. 2" and "in December" from its own day."""
    scenes = [(m.end(), int(m["year"])) for m in _SCENE_YEAR.finditer(low)
              if not (m.start() and low[m.start() - 1].isalnum()) and _lead(_SCENE_LEAD, low, m.start())]
    far = sum(abs(year - anchor.year) >= 2 for _, year in scenes)
    if far < 2 or far <= len(scenes) / 2:
        return []
    return scenes if far >= SCENES_PER_PRESENT_WORD * len(_PRESENT.findall(low)) else []


def _scene_year(pos: int, anchor: date) -> int | None:
    """The year of the last scene before `pos`, when it is not the publication's own time: a text telling
    of 1944 means June 1944 by "in June", however far back it wrote "In 1944"."""
    scenes = _SCENES.get()
    i = bisect_left(scenes, (pos + 1,)) - 1
    if i < 0 or abs(scenes[i][1] - anchor.year) < 2:
        return None
    return scenes[i][1]


def _nearest(anchor: date, interval: Callable[[int], tuple[date, date] | None], future_weight: float,
             pos: int) -> date | None:
    """First day of the occurrence in the year of the scene at `pos`, else of the occurrence nearest the
    anchor (a year back, this year, a year on); a day ahead costs `future_weight` days behind."""
    scene = _scene_year(pos, anchor)
    if scene is not None and (span := interval(scene)):
        return span[0]
    best: tuple[float, date] | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        span = interval(year)
        if span is None:
            continue
        first, last = span
        if first <= anchor <= last:
            cost = 0.0
        else:
            cost = (anchor - last).days if last < anchor else future_weight * (first - anchor).days
        if best is None or cost < best[0]:
            best = (cost, first)
    return best[1] if best else None


def _shifted(text: str, start: int, end: int, anchor: date, unit: str, n: int) -> DateMention | None:
    """The anchor moved by n units, at that unit's precision: "last week" -> 2022-W35."""
    step = moved(anchor, unit, n)
    return step and _out(text, start, end, *step[:2], "relative", step[2])


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
    number = month and _month(month["mon"])
    return number and _month_out(text, month.start(), m.end, date(int(m.value), number, 1), m.basis) or None


def _rebased(text: str, start: int, end: int, m: DateMention, year: DateMention) -> DateMention:
    """`m` moved into the year `year` names, spanning both."""
    y = int(year.value)
    day = m.day and (_safe_date(y, m.day.month, m.day.day) or m.day)
    return _out(text, start, end, f"{y:04d}{m.value[4:]}", m.precision, year.basis, day)


# ---------------------------------------------------------------- rules: (m over the lower-cased text, text, anchor)


def _iso(m: re.Match, text: str, anchor: date) -> DateMention | None:
    return _day_out(text, m.start(), m.end(), _safe_date(int(m["y"]), int(m["mo"]), int(m["d"])), "explicit")


def _numeric(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """9/10/2022 is US month-first unless the first number cannot be a month; 10.09.2022 is day-first."""
    a, b, y = int(m["a"]), int(m["b"]), m["y"]
    if (m.start() and text[m.start() - 1] in "/.-") or (len(y) == 2 and m["sep"] != "/"):
        return None
    month, day = (b, a) if m["sep"] == "." or a > 12 else (a, b)
    day_ = _safe_date(int(y) + (2000 if len(y) == 2 else 0), month, day)
    return _day_out(text, m.start(), m.end(), day_, "explicit")


def _day_of_month(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """A day number with a month word before ("Sept. 1", "SEPTEMER 09") or after ("the 9th of September")."""
    low, start, end, day = m.string, m.start(), m.end(), int(m["day"])
    before = _lead(_MON_BEFORE, low, start)
    month = before and _month(text[before.start("mon"):before.end("mon")], fuzzy=True)
    if month:
        start = before.start()
    else:
        after = _MON_AFTER.match(low, end)
        month = after and _month(text[after.start("mon"):after.end("mon")], fuzzy=True)
        if not month:
            return None
        start, end = _lead(_DAY_LEAD, low, start).start(), after.end()
    year = _YEAR_AFTER.match(low, end)
    if year:
        return _day_out(text, start, year.end(), _safe_date(int(year["year"]), month, day), "explicit")
    if not 1 <= day <= 31:
        return None
    found = _nearest(anchor, lambda y: (d, d) if (d := _safe_date(y, month, day)) else None, _weight(low, start),
                     start)
    return _day_out(text, start, end, found, "relative")


def _month_word(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'September 2022' (explicit); 'in March', 'since early May', 'last April' (relative). A bare month
    is left to spaCy's spans: too often a name or a verb."""
    low, start, end = m.string, m.start(), m.end()
    month = _month(text[start:end])
    if month is None:
        return None
    end += low.startswith(".", end) and low[start:end] in _ABBR  # "Sept." keeps its dot
    lead = _lead(_MONTH_LEAD, low, start)
    year = _YEAR_AFTER.match(low, end)
    if year:
        first = lead.start("mod") if lead["mod"] else start
        return _month_out(text, first, year.end(), date(int(year["year"]), month, 1), "explicit")
    if _DIGIT_AFTER.match(low, end) or not (lead["prep"] or lead["rest"]):
        return None  # a day follows (the day rule reads it), or nothing says this is a date
    which = lead["which"]
    if which == "last":
        year_ = anchor.year - (month >= anchor.month)
    elif which == "next":
        year_ = anchor.year + (month <= anchor.month)
    elif which == "this":
        year_ = anchor.year
    else:
        weight = _weight(low, start, lead["prep"], month=True)
        year_ = _nearest(anchor, lambda y: _month_span(y, month), weight, start).year
    return _month_out(text, lead.start("rest"), end, date(year_, month, 1), "relative")


def _weekday(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """Bare weekdays are the most recent one, today included (news names today's weekday), unless the
    clause is about the future; "last Friday" is strictly before the anchor, "next Friday" strictly after."""
    low = m.string
    lead_m = _lead(_WD_LEAD, low, m.start())
    lead = (lead_m and lead_m["lead"]) or ""
    if lead in ("every", "each"):
        return None  # a set, not a date
    start = lead_m.start() if lead_m else m.start()
    part = _PART_OF_DAY.match(low, m.end())
    end = part.end() if part else m.end()
    if m["wd"] in _WD_ABBR and not (lead_m or _lead(_ON, low, m.start())):
        return None  # "sat", "sun", "wed" alone are words; "this sat", "on Fri" are days
    wd = _WEEKDAYS.index(_WD_ABBR.get(m["wd"], m["wd"]))
    back, ahead = (anchor.weekday() - wd) % 7, (wd - anchor.weekday()) % 7
    if lead in ("last", "past"):
        day = anchor - timedelta(days=back or 7)
    elif lead in ("next", "coming"):
        day = anchor + timedelta(days=ahead or 7)
    elif lead == "this" and not _past_clause(start):
        day = anchor + timedelta(days=ahead)  # "this Saturday": the one coming, unless the clause is past
    elif back and _future(low, start):
        day = anchor + timedelta(days=ahead)
    else:
        day = anchor - timedelta(days=back)
    return _day_out(text, start, end, day, "relative")


def _deictic(m: re.Match, text: str, anchor: date) -> DateMention | None:
    word = m.group()
    if text[m.start()] == "T" and word == "today" and _lead(_MEDIA_BEFORE, m.string, m.start()):
        return None  # USA Today, Russia Today
    word = _INFORMAL.get(re.sub(r"\s+", " ", word), word)
    offset = {"yesterday": -1, "tomorrow": 1}.get(word, -1 if word.startswith("last") else 0)
    return _day_out(text, m.start(), m.end(), anchor + timedelta(days=offset), "relative")


def _ago(m: re.Match, text: str, anchor: date) -> DateMention | None:
    lead = _lead(_AGO_LEAD, m.string, m.start())
    if lead is None:
        return None
    n = re.sub(r"\s+", " ", lead["n"] or "")
    if n not in _NUMBERS and not n.isdigit():  # "weeks ago", "a few days ago"
        return _out(text, lead.start(), m.end(), "PAST_REF", "ref", "relative", None)
    return _shifted(text, lead.start(), m.end(), anchor, lead["unit"], -(int(n) if n.isdigit() else _NUMBERS[n]))


def _unit(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'last week', 'earlier this year', 'the end of the month', 'the weekend', 'the current fiscal year';
    not 'for the last week'."""
    low, which, unit = m.string, m["which"], m["unit"]
    mod = _lead(_MOD_LEAD, low, m.start())
    if which == "the" and unit != "weekend" and not (mod and mod["mod"].rstrip().endswith("of")) \
            and not (m["whole"] and unit == "year"):
        return None  # "the week" alone is no date; "the end of the week", "the fiscal year" are
    the = _lead(_THE, low, m.start())
    if not mod and which in ("last", "next") and the:
        return None  # a duration
    start = mod.start() if mod else the.start() if which == "current" and the else m.start()
    if unit != "weekend":
        return _shifted(text, start, m.end(), anchor, unit, _SHIFT[which])
    # TIMEX3 2022-W36-WE; a bare "the weekend" is the last one, or the coming one in a future clause.
    saturday = anchor + timedelta(days=5 - anchor.weekday())
    if which == "last" or (which == "the" and anchor.weekday() < 5 and not _future(low, start)):
        saturday -= timedelta(weeks=1)
    elif which == "next":
        saturday += timedelta(weeks=1)
    year, week, _ = saturday.isocalendar()
    return _out(text, start, m.end(), f"{year}-W{week:02d}-WE", "week", "relative", saturday)


def _decade(m: re.Match, text: str, anchor: date) -> DateMention:
    if m["dec"]:
        decade, basis = int(m["dec"]), "explicit"
    else:  # "the '90s": the latest such decade not after the anchor
        decade, basis = anchor.year // 100 * 10 + int(m["short"]), "relative"
        decade -= 10 if decade * 10 > anchor.year else 0
    start = _lead(_DECADE_LEAD, m.string, m.start()).start()
    return _out(text, start, m.end(), f"{decade}X", "decade", basis, date(decade * 10, 1, 1))


def _century(m: re.Match, text: str, anchor: date) -> DateMention | None:
    n = int(m["n"])
    if not 1 <= n <= 21:
        return None
    the = _lead(_THE, m.string, m.start())
    return _out(text, the.start() if the else m.start(), m.end(), f"{n - 1:02d}", "century", "explicit",
                date(max(100 * (n - 1), 1), 1, 1))


def _season(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'this summer' is the anchor's, 'last winter' the one before; 'the fall of Kherson' is no season."""
    low, word = m.string, m["season"]
    lead_m = _lead(_SEASON_LEAD, low, m.start())
    lead = lead_m["lead"] if lead_m else ""
    if word == "fall" and not m["year"] and not (lead in ("this", "last", "next")
                                                 or lead == "the" and not low.startswith(" of ", m.end())):
        return None
    if not lead and text[m.start()].isupper() and _lead(_NAME_BEFORE, text, m.start()):
        return None  # part of a name: "Arab Spring"
    code, first_month = _SEASONS[word]
    if m["year"]:
        year, basis = int(m["year"]), "explicit"
    else:
        scene = None if lead in ("this", "last", "next") else _scene_year(m.start(), anchor)
        year = scene or anchor.year - (code == "WI" and anchor.month <= 2) + _SHIFT.get(lead, 0)
        basis = "relative"
    start = lead_m.start() if lead_m else m.start()
    return _out(text, start, m.end(), f"{year}-{code}", "season", basis, date(year, first_month, 1))


def _quarter(m: re.Match, text: str, anchor: date) -> DateMention | None:
    if m["q"] and text[m.start()] != "Q":
        return None
    q = int(m["q"]) if m["q"] else _ORDINALS[m["ord"]]
    the = _lead(_THE, m.string, m.start())
    start = the.start() if the else m.start()
    if m["year"]:
        year, basis = int(m["year"]), "explicit"
    else:
        span = lambda y: (date(y, 3 * q - 2, 1), _month_span(y, 3 * q)[1])  # noqa: E731
        # Quarters are reported once over: even a future clause means this year's unless it is far off.
        year, basis = _nearest(anchor, span, max(_weight(m.string, start), 1.0), start).year, "relative"
    return _out(text, start, m.end(), f"{year}-Q{q}", "quarter", basis, date(year, 3 * q - 2, 1))


def _year(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'in 2019', 'since early 2022', 'mid-2021', and a bare '2014' near the publication year."""
    lead = _lead(_YEAR_LEAD, m.string, m.start())
    if m.start() and text[m.start() - 1] in "$€£.,#:/-" and not (lead["mod"] or "").endswith("-"):
        return None  # "$2022", "No. 2019", "12-2019"; but "mid-1996" is a year
    if not (lead["prep"] or lead["mod"]) and abs(int(m["year"]) - anchor.year) > BARE_YEAR_RANGE:
        return None  # a bare number far from the article's year is more likely a count or a code
    if not lead["fiscal"] and _COUNTED.match(text, m.end()):
        return None  # "in 2000 homes" counts homes; "fiscal 1989 sales" are a year's
    year = int(m["year"])
    start = lead.start("mod") if lead["mod"] else lead.start("fiscal") if lead["fiscal"] else m.start()
    return _out(text, start, m.end(), f"{year:04d}", "year", "explicit", date(year, 1, 1))


def _ref(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """PRESENT_REF ('now'), PAST_REF ('recently', 'in the past'), FUTURE_REF ('in the coming days',
    'in the near term')."""
    words, start = m.group(), m.start()
    if words.startswith("in"):
        start += len(words) - len(words[2:].lstrip())  # the preposition is not part of the expression
        if words.endswith("past") and _DURATION_AFTER.match(m.string, m.end()):
            return None  # "in the past week" is a duration
    value = ("FUTURE_REF" if re.search("future|coming|ahead|term", words) else
             "PAST_REF" if re.search("past|recent|lately", words) else "PRESENT_REF")
    return _out(text, start, m.end(), value, "ref", "relative", None)


_UNITS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_TEENS = ("ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")


def _word_number(tens: str | None, unit: str | None) -> int:
    """'ninety', 'six' -> 96; 'eleven', None -> 11; None, 'five' -> 5."""
    if tens in _TEENS:
        return 10 + _TEENS.index(tens)
    return (20 + 10 * _TENS.index(tens) if tens else 0) + (1 + _UNITS.index(unit) if unit else 0)


def _spelled_year(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """Years as broadcast transcripts write them: 'nineteen ninety-six', 'two thousand and one'."""
    if _COUNTED.match(text, m.end()):
        return None  # "two thousand troops", "nineteen twenty-somethings"
    if m["century"]:
        year = (1900 if m["century"] == "nineteen" else 2000) + _word_number(m["tens"], m["unit"])
    elif _lead(_SPELLED_LEAD, m.string, m.start()):
        year = 2000 + _word_number(m["tens2"], m["unit2"])
    else:
        return None  # a bare "two thousand" is a number
    return _out(text, m.start(), m.end(), f"{year}", "year", "explicit", date(year, 1, 1))


def _year_end(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'by year-end' is this December 31, 'since year-end' the last one."""
    lead = _lead(_PREP_LEAD, m.string, m.start())
    weight = _weight(m.string, m.start(), lead and lead["prep"])
    found = _nearest(anchor, lambda y: (date(y, 12, 31), date(y, 12, 31)), weight, m.start())
    return _day_out(text, m.start(), m.end(), found, "relative")


# Holidays on a fixed day (month, day), by the first word; Thanksgiving is computed.
_HOLIDAYS = {"christmas": (12, 25), "xmas": (12, 25), "new": (1, 1), "halloween": (10, 31),
             "valentine": (2, 14), "boxing": (12, 26)}


def _holiday(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """Christmas, New Year's Day/Eve, Halloween, Valentine's Day, Boxing Day, Thanksgiving: nearest occurrence."""
    words = m.group()
    first = re.match(r"[a-z]+", words).group()
    if first in ("new", "valentine", "boxing") and not re.search(r"(?:eve|day)$", words):
        return None  # "new year's resolutions", "boxing match"
    eve = words.endswith("eve")

    def day_of(year: int) -> tuple[date, date]:
        if first == "thanksgiving":  # fourth Thursday of November
            nov1 = date(year, 11, 1)
            d = nov1 + timedelta(days=(3 - nov1.weekday()) % 7 + 21)
        else:
            d = date(year, *_HOLIDAYS[first])
        if eve:  # the evening before; New Year's Eve closes the year before its day
            d -= timedelta(days=1)
        return d, d

    found = _nearest(anchor, day_of, _weight(m.string, m.start()), m.start())
    return _day_out(text, m.start(), m.end(), found, "relative")


_FULL_DATE_RULES = [
    (_c(r"(?P<y>\d{4})(?P<sep>[-/])(?P<mo>\d\d?)(?P=sep)(?P<d>\d\d?)\b"), _iso),
    (_c(r"(?P<a>\d\d?)(?P<sep>[/.-])(?P<b>\d\d?)(?P=sep)(?P<y>\d{4}|\d\d)(?![\d/]|\.\d)"), _numeric),
    (_c(r"(?P<day>\d\d?)(?:st|nd|rd|th)?(?:\s*[-–]\s*\d\d?(?:st|nd|rd|th)?)?\b"), _day_of_month),
]
_RULES = _FULL_DATE_RULES + [
    (_c(rf"(?:{'|'.join([*_MONTHS, *_ABBR])})\b"), _month_word),
    (_c(rf"(?P<wd>{_WD})\b"), _weekday),
    (_c(r"(?:yesterday|today|tomorrow|tonight|this\s+(?:morning|afternoon|evening)|last\s+night"
        rf"|{_INFORMAL_RE})\b"), _deictic),
    (_c(rf"(?P<wd>{'|'.join(_WD_ABBR)})\b\.?"), _weekday),
    (_c(r"ago\b"), _ago),
    (_c(r"(?P<which>last|this|next|the|current)\s+(?:(?P<whole>fiscal|full)\s+)?"
        r"(?P<unit>week|weekend|month|year|quarter)\b"), _unit),
    (_c(r"(?P<dec>(?:1\d|20)\d)0s\b|['’](?P<short>\d)0s\b"), _decade),
    (_c(r"(?P<n>\d\d?)(?:st|nd|rd|th)\s+century\b"), _century),
    (_c(rf"(?P<season>spring|summer|autumn|fall|winter)\b(?:,?\s+(?:of\s+)?{_YEAR})?"), _season),
    (_c(rf"(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+quarter|q(?P<q>[1-4]))\b"
        rf"(?:\s+(?:of\s+)?{_YEAR})?"), _quarter),
    (_c(_YEAR), _year),
    # Alternatives sharing a first word are grouped: the regex tries each alternative at every position.
    (_c(r"(?:right\s+now|now|currently|at\s+(?:present|the\s+moment)|nowadays|these\s+days|recently|lately"
        r"|recent\s+(?:days|weeks|months|years)|in\s+(?:the\s+past|future)"
        r"|(?:in\s+)?the\s+(?:(?:near\s+|distant\s+|foreseeable\s+)?future|(?:near|short)\s+term|days\s+ahead"
        r"|coming\s+(?:days|weeks|months|years|quarters))"
        r"|coming\s+(?:days|weeks|months|years|quarters))\b"), _ref),
    (_c(rf"(?P<century>nineteen|twenty)\s+(?P<tens>{'|'.join(_TEENS + _TENS)})(?:[-\s](?P<unit>{'|'.join(_UNITS)}))?\b"
        rf"|two\s+thousand(?:\s+(?:and\s+)?(?:(?P<tens2>{'|'.join(_TEENS + _TENS)})(?:[-\s])?)?(?P<unit2>{'|'.join(_UNITS)})?)?\b"),
     _spelled_year),
    (_c(r"(?:christmas|xmas|new\s+year['’]?s|halloween|valentine['’]?s|boxing|thanksgiving)"
        r"(?:\s+(?:eve|day))?\b"), _holiday),
    (_c(r"year(?:[-\s]|['’]s\s+)end\b"), _year_end),
]


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
        if not _HAS_DATE_WORD.search(span) or _NOT_A_DATE.search(span):
            continue
        bare = _BARE.fullmatch(span)
        if bare and bare["mon"]:
            month = _month(bare["mon"])
            weight = _weight(low, start, month=True)
            first = month and _nearest(anchor, lambda y: _month_span(y, month), weight, start)
            mention = first and _month_out(text, start, end, first, "relative")
        elif bare:
            year = int(bare["year"])
            mention = _out(text, start, end, f"{year:04d}", "year", "explicit", date(year, 1, 1))
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
    return _out(text, start, end, value, period, basis, first)


@lru_cache(maxsize=32)
def _dateparser(anchor: date):
    """One English-only parser per anchor: explicit languages skip dateparser's slow detection."""
    from dateparser.date import DateDataParser  # imported on first need: most articles never get here

    return DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": datetime(anchor.year, anchor.month, anchor.day), "PREFER_DATES_FROM": "current_period",
        "PREFER_DAY_OF_MONTH": "first", "RETURN_TIME_AS_PERIOD": True})

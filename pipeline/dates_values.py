"""What a date expression means: the day, month or span it names, counted from the anchor (the publication
date), leaning to the past unless its clause speaks of the future, or set in the year of the scene the text
tells of. `find_dates` sets the clause tenses and the scenes (TENSE, SCENES) for the text being read."""
from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from contextvars import ContextVar
from datetime import date, timedelta
import re

from .dates_calendar import moved
from .dates_words import (ABBR, CLAUSE_BREAK, EFFECTIVE, FUTURE_CUE, MONTHS, NOT_MONTHS, PRESENT, REPORTING,
                          SCENE_LEAD, SCENE_YEAR)
from .models import DateMention


PAST_CLAUSE_WEIGHT = 4.0
# A month after these is a deadline, which may lie ahead even in a past-tense clause.
_DEADLINE = ("until", "till", "through", "by", "before")
# The tense of the clause at a character offset ("past", "future" or None), from the dependency parse.
Tense = Callable[[int], "str | None"]
TENSE: ContextVar[Tense | None] = ContextVar("tense", default=None)
# A text tells of other years when it sets this many scenes in them for each word for its own days.
SCENES_PER_PRESENT_WORD = 4
# Where the text sets a scene in a year ("In 1944", "June 6, 1944"): (end offset, year), in text order.
SCENES: ContextVar[list[tuple[int, int]]] = ContextVar("scenes", default=[])


def lead_before(pattern: re.Pattern, low: str, pos: int) -> re.Match | None:
    return pattern.search(low, max(0, pos - 40), pos)


def mention_of(text: str, start: int, end: int, value: str, precision: str, basis: str,
               day: date | None) -> DateMention:
    return DateMention(start, end, text[start:end], value, precision, basis, day)


def day_mention(text: str, start: int, end: int, day: date | None, basis: str) -> DateMention | None:
    return None if day is None else mention_of(text, start, end, day.isoformat(), "day", basis, day)


def month_mention(text: str, start: int, end: int, first: date, basis: str) -> DateMention:
    return mention_of(text, start, end, f"{first.year:04d}-{first.month:02d}", "month", basis, first)


def safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def month_span(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def month_number(token: str, fuzzy: bool = False) -> int | None:
    """'Sept' -> 9, 'SEPTEMER' -> 9 (fuzzy), 'may' -> None (a verb unless capitalised)."""
    word, capital = token.lower(), token[:1].isupper()
    if word in MONTHS:
        return MONTHS[word] if capital or word not in ("may", "march") else None
    if word in ABBR:
        return ABBR[word] if capital else None
    if fuzzy and capital and len(word) >= 5 and word not in NOT_MONTHS:
        allowed = 1 if len(word) < 8 else 2
        for name, number in MONTHS.items():
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


def in_future_clause(low: str, pos: int) -> bool:
    """Is the expression in a clause about the future ("will meet on Tuesday", not "said Tuesday")?
    "effective June 1" is; else the parse's tense decides when there is one, else the words before it."""
    if lead_before(EFFECTIVE, low, pos):
        return True
    oracle = TENSE.get()
    said = oracle(pos) if oracle else None
    if said:
        return said == "future"
    window = low[max(0, pos - 100):pos]
    clause = window[max((b.end() for b in CLAUSE_BREAK.finditer(window)), default=0):]
    cues = list(FUTURE_CUE.finditer(clause))
    return bool(cues) and not REPORTING.search(clause, cues[-1].end())


def past_clause(pos: int) -> bool:
    """Does the parse say the clause at `pos` is in the past tense?"""
    oracle = TENSE.get()
    return bool(oracle) and oracle(pos) == "past"


def future_cost(low: str, pos: int, prep: str | None = None, month: bool = False) -> float:
    """News mostly reports the past: prefer it, unless the clause speaks of the future (then the next
    occurrence); "since" is past, and so is a whole month in a past-tense clause ("changed in December"),
    unless it is a deadline ("gave them until January")."""
    if prep == "since":
        return float("inf")
    if in_future_clause(low, pos):
        return 0.0
    if not past_clause(pos):
        return 2.0
    # A day leans further back, but not all the way: "declared a dividend payable Dec. 15".
    return float("inf") if month and prep not in _DEADLINE else PAST_CLAUSE_WEIGHT


def scene_years(low: str, anchor: date) -> list[tuple[int, int]]:
    """(end, year) of every year written as a scene (after 'in', 'during', 'mid-', 'summer' or a month and
    day), in a text that tells of other years than its own: most of its scenes two or more years from the
    anchor, and few words for its own days ("said Tuesday", "last week"). News that mentions "the August 1988
    cease-fire" in passing, or gives a career's years, still dates "Aug. 2" and "in December" from its own day."""
    scenes = [(m.end(), int(m["year"])) for m in SCENE_YEAR.finditer(low)
              if not (m.start() and low[m.start() - 1].isalnum()) and lead_before(SCENE_LEAD, low, m.start())]
    far = sum(abs(year - anchor.year) >= 2 for _, year in scenes)
    if far < 2 or far <= len(scenes) / 2:
        return []
    return scenes if far >= SCENES_PER_PRESENT_WORD * len(PRESENT.findall(low)) else []


def scene_year(pos: int, anchor: date) -> int | None:
    """The year of the last scene before `pos`, when it is not the publication's own time: a text telling
    of 1944 means June 1944 by "in June", however far back it wrote "In 1944"."""
    scenes = SCENES.get()
    i = bisect_left(scenes, (pos + 1,)) - 1
    if i < 0 or abs(scenes[i][1] - anchor.year) < 2:
        return None
    return scenes[i][1]


def nearest(anchor: date, interval: Callable[[int], tuple[date, date] | None], future_weight: float,
            pos: int) -> date | None:
    """First day of the occurrence in the year of the scene at `pos`, else of the occurrence nearest the
    anchor (a year back, this year, a year on); a day ahead costs `future_weight` days behind."""
    scene = scene_year(pos, anchor)
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


def shifted(text: str, start: int, end: int, anchor: date, unit: str, n: int) -> DateMention | None:
    """The anchor moved by n units, at that unit's precision: "last week" -> 2022-W35."""
    step = moved(anchor, unit, n)
    return step and mention_of(text, start, end, *step[:2], "relative", step[2])

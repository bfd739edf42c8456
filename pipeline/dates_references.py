"""Expressions whose date is another date in the text, not the publication date.

Earnings reports name a quarter once ("third-quarter profit rose 5%") and then write "the quarter", "the
latest period", "a year earlier", "the year-ago quarter"; narrative writes "the following year", "that
day", "two weeks later". Each takes its value from the nearest earlier date of the right kind, read in
text order; a phrase that cannot stand alone ("that year", "the period") is no date without one.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from .models import DateMention

# Characters: an earlier date farther back than this belongs to another story or another topic.
REACH = 1500
# Results come out within weeks of a quarter's end, fiscal quarters a little later.
REPORTED_WITHIN = timedelta(days=200)
_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
            "eight": 8, "nine": 9, "ten": 10}
_NUM = "|".join(_NUMBERS) + r"|\d+"
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_ORD = "|".join(_ORDINALS)
# The precisions a reference needs for a shift by each unit: "the next day" needs a day.
_FINE_ENOUGH = {"day": ("day",), "week": ("day", "week"), "month": ("day", "week", "month"),
                "year": ("day", "week", "month", "quarter", "season", "year")}
_c = re.compile
_ENDED = _c(r"\s+end(?:ed|ing)\s+")
_DURATION_BEFORE = _c(r"\b(?:for|over|during|within|in|through|throughout)\s+$")


@dataclass
class _Context:
    """What the text has dated so far, up to the expression being read."""

    text: str
    anchor: date
    mentions: list[DateMention] = field(default_factory=list)  # accepted, in text order
    quarter: DateMention | None = None  # the quarter the text reports on

    def latest(self, pos: int, unit: str) -> DateMention | None:
        """The last date before `pos`, within reach, at least as fine as `unit`."""
        for m in reversed(self.mentions):
            if m.end < pos - REACH:
                return None
            if m.day is not None and m.precision in _FINE_ENOUGH[unit]:
                return m
        return None

    def reported_quarter(self, pos: int) -> DateMention | None:
        q = self.quarter
        return q if q is not None and q.end >= pos - REACH else None

    def accept(self, m: DateMention) -> None:
        """Keep `m`. A quarter that ended shortly before publication is the quarter the
        text reports on; not one it looks back to ("the 1988 third quarter") or ahead to ("the fourth quarter")."""
        self.mentions.append(m)
        if m.precision == "quarter":
            year, q = _quarter_of(m)
            last_day = date(year + q // 4, q % 4 * 3 + 1, 1) - timedelta(days=1)
            if timedelta(0) <= self.anchor - last_day <= REPORTED_WITHIN:
                self.quarter = m


def resolve_references(text: str, low: str, anchor: date, mentions: list[DateMention]) -> list[DateMention]:
    """`mentions` (sorted, non-overlapping) with the referring expressions added in text order; a resolved
    one replaces the mentions inside it ("the 1988 period" over "1988"). `low` is `text` lower-cased."""
    found = sorted((m.start(), -m.end(), i, m) for i, (pattern, _) in enumerate(_RULES) for m in pattern.finditer(low))
    context = _Context(text, anchor)
    pending = list(mentions)
    for start, _, rule, match in found:
        while pending and pending[0].start < start:
            context.accept(pending.pop(0))
        if context.mentions and context.mentions[-1].end > start:
            continue  # inside an expression already read
        resolved = _RULES[rule][1](match, context, pending)
        if resolved is not None:
            pending = [m for m in pending if m.start >= resolved.end]
            context.accept(resolved)
    for m in pending:
        context.accept(m)
    return context.mentions


# ---------------------------------------------------------------- values


def _out(context: _Context, start: int, end: int, value: str, precision: str, day: date) -> DateMention:
    return DateMention(start, end, context.text[start:end], value, precision, "relative", day)


def _quarter(context: _Context, start: int, end: int, year: int, q: int) -> DateMention:
    return _out(context, start, end, f"{year:04d}-Q{q}", "quarter", date(year, 3 * q - 2, 1))


def _quarter_of(m: DateMention) -> tuple[int, int]:
    return m.day.year, (m.day.month - 1) // 3 + 1


def _last_completed_quarter(anchor: date) -> tuple[int, int]:
    year, q = divmod(anchor.year * 4 + (anchor.month - 1) // 3 - 1, 4)
    return year, q + 1


def _shift(context: _Context, start: int, end: int, day: date, unit: str, n: int) -> DateMention | None:
    """`day` moved by n units, at that unit's precision."""
    if unit == "day":
        day += timedelta(days=n)
        return _out(context, start, end, day.isoformat(), "day", day)
    if unit == "week":
        monday = day - timedelta(days=day.weekday()) + timedelta(weeks=n)
        year, week, _ = monday.isocalendar()
        return _out(context, start, end, f"{year}-W{week:02d}", "week", monday)
    if unit == "month":
        year, month = divmod(day.year * 12 + day.month - 1 + n, 12)
        return _out(context, start, end, f"{year:04d}-{month + 1:02d}", "month", date(year, month + 1, 1))
    year = day.year + n
    return _out(context, start, end, f"{year:04d}", "year", date(year, 1, 1)) if 1 <= year <= 9999 else None


# ---------------------------------------------------------------- earnings reports


def _same_quarter(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'the quarter', 'the latest period': the quarter reported on; 'the quarter ended Sept. 30' holds that
    day; 'the latest quarter' with none named is the last one completed."""
    ended = _ENDED.match(m.string, m.end())
    if ended and following and following[0].start == ended.end() and following[0].day is not None:
        return _quarter(context, m.start(), m.end(), *_quarter_of(following[0]))
    ref = context.reported_quarter(m.start())
    if ref is not None:
        return _quarter(context, m.start(), m.end(), *_quarter_of(ref))
    if m["latest"] and m["unit"] == "quarter":
        return _quarter(context, m.start(), m.end(), *_last_completed_quarter(context.anchor))
    return None


def _year_ago_quarter(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'the year-ago quarter', 'the year-earlier third quarter', 'the 1988 period': the reported quarter
    (or the one named) in the year before (or the year named)."""
    ref = context.reported_quarter(m.start())
    if ref is None and not m["ord"]:
        return None
    year, q = _quarter_of(ref) if ref else _last_completed_quarter(context.anchor)
    q = _ORDINALS[m["ord"]] if m["ord"] else q
    year = int(m["year"]) if m["year"] else year - 1
    return _quarter(context, m.start(), m.end(), year, q)


def _year_earlier(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'a year earlier', 'year-ago results': in an earnings report, the reported quarter a year before;
    else the year before the last date named ('a year ago' the year before publication)."""
    ref = context.reported_quarter(m.start())
    if ref is not None:
        year, q = _quarter_of(ref)
        return _quarter(context, m.start(), m.end(), year - 1, q)
    if m["ago"]:
        return None  # the rules date it from the publication date
    ref = context.latest(m.start(), "year")
    year = (ref.day.year if ref else context.anchor.year) - 1
    return _out(context, m.start(), m.end(), f"{year:04d}", "year", date(year, 1, 1))


# ---------------------------------------------------------------- narrative


def _next_or_that(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'the following year', 'the next day', 'that month', 'the day before': next to the last date named.
    'over the next year' is a duration."""
    which, unit = m["which"] or m["dir"], m["unit"] or m["unit2"]
    if which == "next" and _DURATION_BEFORE.search(m.string, max(0, m.start() - 12), m.start()):
        return None
    ref = context.latest(m.start(), unit)
    if ref is None:
        return None
    n = {"following": 1, "next": 1, "after": 1, "previous": -1, "preceding": -1, "before": -1}.get(which, 0)
    return _shift(context, m.start(), m.end(), ref.day, unit, n)


def _later(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'two weeks later', 'three years earlier': counted from the last date named."""
    ref = context.latest(m.start(), m["unit"])
    if ref is None:
        return None
    n = int(m["n"]) if m["n"].isdigit() else _NUMBERS[m["n"]]
    return _shift(context, m.start(), m.end(), ref.day, m["unit"], n if m["dir"] in ("later", "after") else -n)


def _then(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'until then', 'by then': the last date named."""
    ref = context.latest(m.start(), "year")
    if ref is None:
        return None
    return DateMention(m.start("then"), m.end(), "then", ref.value, ref.precision, "relative", ref.day)


def _in_the_same(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'later in the day', 'earlier in the year': the last day (year) named, else the publication's."""
    ref = context.latest(m.start(), m["unit"])
    return _shift(context, m.start("the"), m.end(), ref.day if ref else context.anchor, m["unit"], 0)


def _weekday_around(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'the previous Friday': the Friday before the last day named (or the publication day)."""
    ref = context.latest(m.start(), "day")
    day = ref.day if ref else context.anchor
    wd = _WEEKDAYS.index(m["wd"])
    if m["which"] in ("previous", "preceding"):
        day -= timedelta(days=(day.weekday() - wd) % 7 or 7)
    else:
        day += timedelta(days=(wd - day.weekday()) % 7 or 7)
    return _out(context, m.start(), m.end(), day.isoformat(), "day", day)


_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_UNIT = r"(?P<unit>day|week|month|year)"
_RULES: list[tuple[re.Pattern, Callable[[re.Match, _Context, list[DateMention]], DateMention | None]]] = [
    (_c(r"\bthe\s+(?:(?P<latest>latest|most\s+recent)\s+)?(?P<unit>quarter|period)\b(?!-)"), _same_quarter),
    (_c(rf"\b(?:the\s+)?(?:(?:comparable|corresponding|same)\s+)?(?:year[-\s](?:ago|earlier)|(?P<year>(?:19|20)\d\d))"
        rf"\s+(?:(?P<ord>{_ORD})[-\s])?(?:quarter|period)\b"), _year_ago_quarter),
    (_c(r"\b(?:a|one)\s+year\s+(?:(?P<ago>ago)|earlier|before)\b|\byear-(?:ago|earlier)\b"), _year_earlier),
    (_c(rf"\b(?:the\s+(?P<which>following|next|previous|preceding|same)|that)\s+{_UNIT}\b"
        rf"|\bthe\s+{_UNIT.replace('unit', 'unit2')}\s+(?P<dir>before|after)\b"), _next_or_that),
    (_c(rf"\b(?P<n>{_NUM})\s+{_UNIT}s?\s+(?P<dir>later|earlier|after|before)\b"), _later),
    (_c(r"\b(?:until|till|by|since|before|after)\s+(?P<then>then)\b"), _then),
    (_c(rf"\b(?:later|earlier)\s+in\s+(?P<the>the)\s+{_UNIT}\b"), _in_the_same),
    (_c(rf"\bthe\s+(?P<which>previous|preceding|following|next)\s+(?P<wd>{'|'.join(_WEEKDAYS)})\b"), _weekday_around),
]

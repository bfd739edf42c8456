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

from .dates_calendar import moved
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
                "quarter": ("day", "week", "month", "quarter"),
                "year": ("day", "week", "month", "quarter", "season", "year")}
_c = re.compile
_ENDED = _c(r"\s+end(?:ed|ing)\s+")
_DURATION_BEFORE = _c(r"\b(?:for|over|during|within|in|through|throughout)\s+$")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
# Read back from a core word (each ends in `$`).
_PERIOD_LEAD = _c(r"(?:(?P<the>\bthe\s+)|(?P<that>\bthat\s+))?(?:\b(?:comparable|corresponding|same)\s+)?"
                  r"(?:\b(?P<lag>year[-\s](?:ago|earlier)|last\s+year['’]s)\s+|\b(?P<year>(?:19|20)\d\d)\s+"
                  r"|\b(?P<latest>latest|most\s+recent)\s+)?"
                  rf"(?:\b(?P<ord>{_ORD})[-\s])?$")
_ONE_LEAD = _c(r"\b(?:a|one)\s+$")
_NEXT_LEAD = _c(r"\b(?:the\s+(?P<which>following|next|previous|preceding|same)|that)\s+$")
_IN_THE_LEAD = _c(r"\b(?:later|earlier)\s+in\s+(?P<the>the)\s+$")
_THE_LEAD = _c(r"\bthe\s+$")
_COUNT_LEAD = _c(rf"\b(?P<n>{_NUM})\s+$")
_THEN_LEAD = _c(r"\b(?:until|till|by|since|before|after)\s+$")
_AROUND_LEAD = _c(r"\bthe\s+(?P<which>previous|preceding|following|next)\s+$")
_AFTER_UNIT = _c(r"\s+(?P<dir>later|earlier|after|before)\b")
_NTH_DAY_LEAD = _c(r"\b(?:is|['’]s|marks)\s+(?P<the>the)\s+(?:\d+(?:st|nd|rd|th)|first|second|third|[a-z]+th)\s+$")
_OF = _c(r"\s+of\b")
_YEAR_BACK = _c(r"\s+(?:last\s+year|a\s+year\s+(?:ago|earlier))\b")  # "the quarter a year ago"
_EVENT = _c(r"\s+(?:the|a|an|his|her|its|their)\b")  # "the day before the crash"
_APPOSITION = _c(r",\s*")
_CLAUSE_END = _c(r"\s*(?:[.,;:!?)]|$)")


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
            if m.end <= pos and m.day is not None and m.precision in _FINE_ENOUGH[unit]:
                return m
        return None

    def scene(self, pos: int, unit: str) -> date | None:
        """The day "earlier in the year" or "a year earlier" counts from: the last date named when it is a
        day or week, or when the text has moved two years or more from publication; else publication's."""
        ref = self.latest(pos, unit)
        if ref and (unit in ("day", "week") or abs(ref.day.year - self.anchor.year) >= 2):
            return ref.day
        return self.anchor

    def reported_quarter(self, pos: int) -> DateMention | None:
        q = self.quarter
        return q if q is not None and q.end >= pos - REACH else None

    def accept(self, m: DateMention) -> None:
        """Keep `m`. A quarter that ended shortly before publication is the quarter the text reports on;
        not one it looks back to ("the 1988 third quarter") or ahead to ("the fourth quarter")."""
        self.mentions.append(m)
        if m.precision == "quarter":
            year, q = _quarter_of(m)
            last_day = date(year + q // 4, q % 4 * 3 + 1, 1) - timedelta(days=1)
            if timedelta(0) <= self.anchor - last_day <= REPORTED_WITHIN:
                self.quarter = m


def resolve_references(text: str, low: str, anchor: date, mentions: list[DateMention]) -> list[DateMention]:
    """`mentions` (sorted, non-overlapping) with the referring expressions added in text order; a resolved
    one replaces the mentions inside it ("the 1988 period" over "1988"). `low` is `text` lower-cased.
    As in dates.py, each pattern starts with a core word and the words before it are read back."""
    found = sorted((m.start(), -m.end(), i, m) for i, (pattern, _) in enumerate(_RULES) for m in pattern.finditer(low)
                   if not (m.start() and low[m.start() - 1].isalnum()))
    context = _Context(text, anchor)
    pending = list(mentions)
    read_to = 0  # the end of the last expression resolved here
    for core, _, rule, match in found:
        while pending and pending[0].start < core:
            context.accept(pending.pop(0))
        resolved = None if core < read_to else _RULES[rule][1](match, context, pending)
        if resolved is None:
            continue
        keep = len(context.mentions)
        while keep and context.mentions[keep - 1].end > resolved.start:
            keep -= 1
        if any(m.start < resolved.start or m.end > resolved.end for m in context.mentions[keep:]):
            continue  # overlaps an expression already read
        del context.mentions[keep:]  # read again as part of this one
        pending = [m for m in pending if m.start >= resolved.end]
        context.accept(resolved)
        read_to = resolved.end
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
    step = moved(day, unit, n)
    return step and DateMention(start, end, context.text[start:end], *step[:2], "relative", step[2])


# ---------------------------------------------------------------- earnings reports


def _period(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'the quarter', 'the latest period', 'the year-ago quarter', 'the 1988 period', 'that quarter'."""
    lead = _lead(_PERIOD_LEAD, m)
    back = _YEAR_BACK.match(m.string, m.end())
    if lead["lag"] or lead["year"] or (back and lead["the"]):
        return _year_ago_quarter(lead, back.end() if back else m.end(), context)
    if lead["that"] and m["unit"] == "quarter" and not (lead["latest"] or lead["ord"]):
        ref = context.latest(lead.start(), "quarter")
        return ref and _quarter(context, lead.start(), m.end(), *_quarter_of(ref))
    if lead["the"] and not lead["ord"]:
        return _same_quarter(m, lead, context, following)
    return None  # "third quarter" is the rules' to read


def _same_quarter(m: re.Match, lead: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """The quarter reported on; 'the quarter ended Sept. 30' holds that day; 'the latest quarter' with
    none named is the last one completed."""
    start, end = lead.start(), m.end()
    ended = _ENDED.match(m.string, end)
    if ended and following and following[0].start == ended.end() and following[0].day is not None:
        return _quarter(context, start, end, *_quarter_of(following[0]))
    ref = context.reported_quarter(start)
    if ref is not None:
        return _quarter(context, start, end, *_quarter_of(ref))
    if lead["latest"] and m["unit"] == "quarter":
        return _quarter(context, start, end, *_last_completed_quarter(context.anchor))
    return None


def _year_ago_quarter(lead: re.Match, end: int, context: _Context) -> DateMention | None:
    """The reported quarter (or the one named) in the year before, or in the year named."""
    ref = context.reported_quarter(lead.start())
    if ref is None and not lead["ord"]:
        return None
    year, q = _quarter_of(ref) if ref else _last_completed_quarter(context.anchor)
    q = _ORDINALS[lead["ord"]] if lead["ord"] else q
    year = int(lead["year"]) if lead["year"] else year - 1
    return _quarter(context, lead.start(), end, year, q)


def _year_earlier(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'a year earlier', 'year-ago results': in an earnings report, the reported quarter a year before;
    else the year before the scene's ('a year ago' the year before publication)."""
    if m["sep"] == "-":
        if m["rel"] == "before":
            return None
        start = m.start()
    else:
        lead = _lead(_ONE_LEAD, m)
        if lead is None:
            return None
        start = lead.start()
    ref = context.reported_quarter(start)
    if ref is not None:
        year, q = _quarter_of(ref)
        return _quarter(context, start, m.end(), year - 1, q)
    if m["rel"] == "ago":
        return None  # the rules date it from the publication date
    year = context.scene(start, "year").year - 1
    return _out(context, start, m.end(), f"{year:04d}", "year", date(year, 1, 1))


# ---------------------------------------------------------------- narrative


def _unit_reference(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'the following year', 'that month', 'the day before', 'two weeks later', 'later in the day',
    'today is the eighth day of the strike'."""
    unit, after = m["unit"], _AFTER_UNIT.match(m.string, m.end())
    if not m["plural"] and unit == "day" and (lead := _lead(_NTH_DAY_LEAD, m)) and _OF.match(m.string, m.end()):
        return _shift(context, lead.start("the"), m.end(), context.anchor, unit, 0)
    if not m["plural"]:
        lead = _lead(_NEXT_LEAD, m)
        if lead:
            return _next_or_that(lead, m.end(), unit, lead["which"], context)
        lead = _lead(_IN_THE_LEAD, m)
        if lead:
            return _shift(context, lead.start("the"), m.end(), context.scene(lead.start(), unit), unit, 0)
        lead = _lead(_THE_LEAD, m)
        if lead and after and after["dir"] in ("before", "after"):
            if _EVENT.match(m.string, after.end()):
                return _apposed(lead, m, unit, context)
            return _next_or_that(lead, after.end(), unit, after["dir"], context)
    lead = _lead(_COUNT_LEAD, m)
    if after and after["dir"] in ("after", "before") and not _CLAUSE_END.match(m.string, after.end()):
        return None  # "a month after the strike began" counts from an event, not from a date
    if lead and after and (lead["n"] in ("a", "an", "one")) != bool(m["plural"]):
        ref = context.latest(lead.start(), unit)
        n = int(lead["n"]) if lead["n"].isdigit() else _NUMBERS[lead["n"]]
        n = n if after["dir"] in ("later", "after") else -n
        return ref and _shift(context, lead.start(), after.end(), ref.day, unit, n)
    return None


def _apposed(lead: re.Match, m: re.Match, unit: str, context: _Context) -> DateMention | None:
    """'Oct. 12, the day before the crash': counted from an event, so only a date right before it says which."""
    ref = context.latest(lead.start(), unit)
    if ref is None or not _APPOSITION.fullmatch(m.string, ref.end, lead.start()):
        return None
    return DateMention(lead.start(), m.end(), context.text[lead.start():m.end()], ref.value, ref.precision,
                       "relative", ref.day)


def _next_or_that(lead: re.Match, end: int, unit: str, which: str | None, context: _Context) -> DateMention | None:
    """Next to (or the same as) the last date named; 'over the next year' is a duration."""
    if which == "next" and _DURATION_BEFORE.search(lead.string, max(0, lead.start() - 12), lead.start()):
        return None
    ref = context.latest(lead.start(), unit)
    n = {"following": 1, "next": 1, "after": 1, "previous": -1, "preceding": -1, "before": -1}.get(which, 0)
    return ref and _shift(context, lead.start(), end, ref.day, unit, n)


def _then(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'until then', 'by then': the last date named."""
    ref = _lead(_THEN_LEAD, m) and context.latest(m.start(), "year")
    return ref and DateMention(m.start(), m.end(), context.text[m.start():m.end()], ref.value, ref.precision,
                               "relative", ref.day)


def _weekday_around(m: re.Match, context: _Context, following: list[DateMention]) -> DateMention | None:
    """'the previous Friday': the Friday before the last day named (or the publication day)."""
    lead = _lead(_AROUND_LEAD, m)
    if lead is None:
        return None
    ref = context.latest(lead.start(), "day")
    day = ref.day if ref else context.anchor
    wd = _WEEKDAYS.index(m["wd"])
    if lead["which"] in ("previous", "preceding"):
        day -= timedelta(days=(day.weekday() - wd) % 7 or 7)
    else:
        day += timedelta(days=(wd - day.weekday()) % 7 or 7)
    return _out(context, lead.start(), m.end(), day.isoformat(), "day", day)


def _lead(pattern: re.Pattern, m: re.Match) -> re.Match | None:
    """`pattern` (ending in `$`) right before the core word `m`."""
    return pattern.search(m.string, max(0, m.start() - 50), m.start())


_RULES: list[tuple[re.Pattern, Callable[[re.Match, _Context, list[DateMention]], DateMention | None]]] = [
    (_c(r"(?P<unit>quarter|period)\b(?!-)"), _period),
    (_c(r"year(?P<sep>\s+|-)(?P<rel>ago|earlier|before)\b"), _year_earlier),
    (_c(r"(?P<unit>day|week|month|year)(?P<plural>s)?\b"), _unit_reference),
    (_c(r"then\b"), _then),
    (_c(rf"(?P<wd>{'|'.join(_WEEKDAYS)})\b"), _weekday_around),
]

"""The rules: one regex per kind of expression, each starting with a required core word ("friday", "2019",
"ago") and run over the lower-cased text, and its handler (match, text, anchor) -> DateMention or None.
FULL_DATE_RULES read only fully written days (published.py reads the article's own date with them)."""
from __future__ import annotations

import re
from datetime import date, timedelta

from .dates_values import (day_mention, future_cost, in_future_clause, lead_before, mention_of, month_mention,
                           month_number, month_span, nearest, past_clause, safe_date, scene_year, shifted)
from .dates_words import (ABBR, AGO_LEAD, BARE_YEAR_RANGE, COUNTED, DAY_LEAD, DECADE_LEAD, DIGIT_AFTER,
                          DURATION_AFTER, INFORMAL, INFORMAL_RE, MEDIA_BEFORE, MOD_LEAD, MONTHS, MONTH_LEAD,
                          MON_AFTER, MON_BEFORE, NAME_BEFORE, NUMBERS, ON, ORDINALS, PART_OF_DAY, PREP_LEAD, SEASONS,
                          SEASON_LEAD, SHIFT, SPELLED_LEAD, THE, WD, WD_ABBR, WD_LEAD, WEEKDAYS, YEAR, YEAR_AFTER,
                          YEAR_LEAD)
from .models import DateMention

_c = re.compile


def _iso(m: re.Match, text: str, anchor: date) -> DateMention | None:
    return day_mention(text, m.start(), m.end(), safe_date(int(m["y"]), int(m["mo"]), int(m["d"])), "explicit")


def _numeric(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """9/10/2022 is US month-first unless the first number cannot be a month; 10.09.2022 is day-first."""
    a, b, y = int(m["a"]), int(m["b"]), m["y"]
    if (m.start() and text[m.start() - 1] in "/.-") or (len(y) == 2 and m["sep"] != "/"):
        return None
    month, day = (b, a) if m["sep"] == "." or a > 12 else (a, b)
    day_ = safe_date(int(y) + (2000 if len(y) == 2 else 0), month, day)
    return day_mention(text, m.start(), m.end(), day_, "explicit")


def _day_of_month(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """A day number with a month word before ("Sept. 1", "SEPTEMER 09") or after ("the 9th of September")."""
    low, start, end, day = m.string, m.start(), m.end(), int(m["day"])
    before = lead_before(MON_BEFORE, low, start)
    month = before and month_number(text[before.start("mon"):before.end("mon")], fuzzy=True)
    if month:
        start = before.start()
    else:
        after = MON_AFTER.match(low, end)
        month = after and month_number(text[after.start("mon"):after.end("mon")], fuzzy=True)
        if not month:
            return None
        start, end = lead_before(DAY_LEAD, low, start).start(), after.end()
    year = YEAR_AFTER.match(low, end)
    if year:
        return day_mention(text, start, year.end(), safe_date(int(year["year"]), month, day), "explicit")
    if not 1 <= day <= 31:
        return None
    found = nearest(anchor, lambda y: (d, d) if (d := safe_date(y, month, day)) else None, future_cost(low, start),
                    start)
    return day_mention(text, start, end, found, "relative")


def _month_word(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'September 2022' (explicit); 'in March', 'since early May', 'last April' (relative). A bare month
    is left to spaCy's spans: too often a name or a verb."""
    low, start, end = m.string, m.start(), m.end()
    month = month_number(text[start:end])
    if month is None:
        return None
    end += low.startswith(".", end) and low[start:end] in ABBR  # "Sept." keeps its dot
    lead = lead_before(MONTH_LEAD, low, start)
    year = YEAR_AFTER.match(low, end)
    if year:
        first = lead.start("mod") if lead["mod"] else start
        return month_mention(text, first, year.end(), date(int(year["year"]), month, 1), "explicit")
    if DIGIT_AFTER.match(low, end) or not (lead["prep"] or lead["rest"]):
        return None  # a day follows (the day rule reads it), or nothing says this is a date
    which = lead["which"]
    if which == "last":
        year_ = anchor.year - (month >= anchor.month)
    elif which == "next":
        year_ = anchor.year + (month <= anchor.month)
    elif which == "this":
        year_ = anchor.year
    else:
        weight = future_cost(low, start, lead["prep"], month=True)
        year_ = nearest(anchor, lambda y: month_span(y, month), weight, start).year
    return month_mention(text, lead.start("rest"), end, date(year_, month, 1), "relative")


def _weekday(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """Bare weekdays are the most recent one, today included (news names today's weekday), unless the
    clause is about the future; "last Friday" is strictly before the anchor, "next Friday" strictly after."""
    low = m.string
    lead_m = lead_before(WD_LEAD, low, m.start())
    lead = (lead_m and lead_m["lead"]) or ""
    if lead in ("every", "each"):
        return None  # a set, not a date
    start = lead_m.start() if lead_m else m.start()
    part = PART_OF_DAY.match(low, m.end())
    end = part.end() if part else m.end()
    if m["wd"] in WD_ABBR and not (lead_m or lead_before(ON, low, m.start())):
        return None  # "sat", "sun", "wed" alone are words; "this sat", "on Fri" are days
    wd = WEEKDAYS.index(WD_ABBR.get(m["wd"], m["wd"]))
    back, ahead = (anchor.weekday() - wd) % 7, (wd - anchor.weekday()) % 7
    if lead in ("last", "past"):
        day = anchor - timedelta(days=back or 7)
    elif lead in ("next", "coming"):
        day = anchor + timedelta(days=ahead or 7)
    elif lead == "this" and not past_clause(start):
        day = anchor + timedelta(days=ahead)  # "this Saturday": the one coming, unless the clause is past
    elif back and in_future_clause(low, start):
        day = anchor + timedelta(days=ahead)
    else:
        day = anchor - timedelta(days=back)
    return day_mention(text, start, end, day, "relative")


def _deictic(m: re.Match, text: str, anchor: date) -> DateMention | None:
    word = m.group()
    if text[m.start()] == "T" and word == "today" and lead_before(MEDIA_BEFORE, m.string, m.start()):
        return None  # USA Today, Russia Today
    word = INFORMAL.get(re.sub(r"\s+", " ", word), word)
    offset = {"yesterday": -1, "tomorrow": 1}.get(word, -1 if word.startswith("last") else 0)
    return day_mention(text, m.start(), m.end(), anchor + timedelta(days=offset), "relative")


def _ago(m: re.Match, text: str, anchor: date) -> DateMention | None:
    lead = lead_before(AGO_LEAD, m.string, m.start())
    if lead is None:
        return None
    n = re.sub(r"\s+", " ", lead["n"] or "")
    if n not in NUMBERS and not n.isdigit():  # "weeks ago", "a few days ago"
        return mention_of(text, lead.start(), m.end(), "PAST_REF", "ref", "relative", None)
    return shifted(text, lead.start(), m.end(), anchor, lead["unit"], -(int(n) if n.isdigit() else NUMBERS[n]))


def _unit(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'last week', 'earlier this year', 'the end of the month', 'the weekend', 'the current fiscal year';
    not 'for the last week'."""
    low, which, unit = m.string, m["which"], m["unit"]
    mod = lead_before(MOD_LEAD, low, m.start())
    if which == "the" and unit != "weekend" and not (mod and mod["mod"].rstrip().endswith("of")) \
            and not (m["whole"] and unit == "year"):
        return None  # "the week" alone is no date; "the end of the week", "the fiscal year" are
    the = lead_before(THE, low, m.start())
    if not mod and which in ("last", "next") and the:
        return None  # a duration
    start = mod.start() if mod else the.start() if which == "current" and the else m.start()
    if unit != "weekend":
        return shifted(text, start, m.end(), anchor, unit, SHIFT[which])
    # TIMEX3 2022-W36-WE; a bare "the weekend" is the last one, or the coming one in a future clause.
    saturday = anchor + timedelta(days=5 - anchor.weekday())
    if which == "last" or (which == "the" and anchor.weekday() < 5 and not in_future_clause(low, start)):
        saturday -= timedelta(weeks=1)
    elif which == "next":
        saturday += timedelta(weeks=1)
    year, week, _ = saturday.isocalendar()
    return mention_of(text, start, m.end(), f"{year}-W{week:02d}-WE", "week", "relative", saturday)


def _decade(m: re.Match, text: str, anchor: date) -> DateMention:
    if m["dec"]:
        decade, basis = int(m["dec"]), "explicit"
    else:  # "the '90s": the latest such decade not after the anchor
        decade, basis = anchor.year // 100 * 10 + int(m["short"]), "relative"
        decade -= 10 if decade * 10 > anchor.year else 0
    start = lead_before(DECADE_LEAD, m.string, m.start()).start()
    return mention_of(text, start, m.end(), f"{decade}X", "decade", basis, date(decade * 10, 1, 1))


def _century(m: re.Match, text: str, anchor: date) -> DateMention | None:
    n = int(m["n"])
    if not 1 <= n <= 21:
        return None
    the = lead_before(THE, m.string, m.start())
    return mention_of(text, the.start() if the else m.start(), m.end(), f"{n - 1:02d}", "century", "explicit",
                      date(max(100 * (n - 1), 1), 1, 1))


def _season(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'this summer' is the anchor's, 'last winter' the one before; 'the fall of Kherson' is no season."""
    low, word = m.string, m["season"]
    lead_m = lead_before(SEASON_LEAD, low, m.start())
    lead = lead_m["lead"] if lead_m else ""
    if word == "fall" and not m["year"] and not (lead in ("this", "last", "next")
                                                 or lead == "the" and not low.startswith(" of ", m.end())):
        return None
    if not lead and text[m.start()].isupper() and lead_before(NAME_BEFORE, text, m.start()):
        return None  # part of a name: "Arab Spring"
    code, first_month = SEASONS[word]
    if m["year"]:
        year, basis = int(m["year"]), "explicit"
    else:
        scene = None if lead in ("this", "last", "next") else scene_year(m.start(), anchor)
        year = scene or anchor.year - (code == "WI" and anchor.month <= 2) + SHIFT.get(lead, 0)
        basis = "relative"
    start = lead_m.start() if lead_m else m.start()
    return mention_of(text, start, m.end(), f"{year}-{code}", "season", basis, date(year, first_month, 1))


def _quarter(m: re.Match, text: str, anchor: date) -> DateMention | None:
    if m["q"] and text[m.start()] != "Q":
        return None
    q = int(m["q"]) if m["q"] else ORDINALS[m["ord"]]
    the = lead_before(THE, m.string, m.start())
    start = the.start() if the else m.start()
    if m["year"]:
        year, basis = int(m["year"]), "explicit"
    else:
        span = lambda y: (date(y, 3 * q - 2, 1), month_span(y, 3 * q)[1])  # noqa: E731
        # Quarters are reported once over: even a future clause means this year's unless it is far off.
        year, basis = nearest(anchor, span, max(future_cost(m.string, start), 1.0), start).year, "relative"
    return mention_of(text, start, m.end(), f"{year}-Q{q}", "quarter", basis, date(year, 3 * q - 2, 1))


def _year(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'in 2019', 'since early 2022', 'mid-2021', and a bare '2014' near the publication year."""
    lead = lead_before(YEAR_LEAD, m.string, m.start())
    if m.start() and text[m.start() - 1] in "$€£.,#:/-" and not (lead["mod"] or "").endswith("-"):
        return None  # "$2022", "No. 2019", "12-2019"; but "mid-1996" is a year
    if not (lead["prep"] or lead["mod"]) and abs(int(m["year"]) - anchor.year) > BARE_YEAR_RANGE:
        return None  # a bare number far from the article's year is more likely a count or a code
    if not lead["fiscal"] and COUNTED.match(text, m.end()):
        return None  # "in 2000 homes" counts homes; "fiscal 1989 sales" are a year's
    year = int(m["year"])
    start = lead.start("mod") if lead["mod"] else lead.start("fiscal") if lead["fiscal"] else m.start()
    return mention_of(text, start, m.end(), f"{year:04d}", "year", "explicit", date(year, 1, 1))


def _ref(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """PRESENT_REF ('now'), PAST_REF ('recently', 'in the past'), FUTURE_REF ('in the coming days',
    'in the near term')."""
    words, start = m.group(), m.start()
    if words.startswith("in"):
        start += len(words) - len(words[2:].lstrip())  # the preposition is not part of the expression
        if words.endswith("past") and DURATION_AFTER.match(m.string, m.end()):
            return None  # "in the past week" is a duration
    value = ("FUTURE_REF" if re.search("future|coming|ahead|term", words) else
             "PAST_REF" if re.search("past|recent|lately", words) else "PRESENT_REF")
    return mention_of(text, start, m.end(), value, "ref", "relative", None)


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
    if COUNTED.match(text, m.end()):
        return None  # "two thousand troops", "nineteen twenty-somethings"
    if m["century"]:
        year = (1900 if m["century"] == "nineteen" else 2000) + _word_number(m["tens"], m["unit"])
    elif lead_before(SPELLED_LEAD, m.string, m.start()):
        year = 2000 + _word_number(m["tens2"], m["unit2"])
    else:
        return None  # a bare "two thousand" is a number
    return mention_of(text, m.start(), m.end(), f"{year}", "year", "explicit", date(year, 1, 1))


def _year_end(m: re.Match, text: str, anchor: date) -> DateMention | None:
    """'by year-end' is this December 31, 'since year-end' the last one."""
    lead = lead_before(PREP_LEAD, m.string, m.start())
    weight = future_cost(m.string, m.start(), lead and lead["prep"])
    found = nearest(anchor, lambda y: (date(y, 12, 31), date(y, 12, 31)), weight, m.start())
    return day_mention(text, m.start(), m.end(), found, "relative")


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

    found = nearest(anchor, day_of, future_cost(m.string, m.start()), m.start())
    return day_mention(text, m.start(), m.end(), found, "relative")


FULL_DATE_RULES = [
    (_c(r"(?P<y>\d{4})(?P<sep>[-/])(?P<mo>\d\d?)(?P=sep)(?P<d>\d\d?)\b"), _iso),
    (_c(r"(?P<a>\d\d?)(?P<sep>[/.-])(?P<b>\d\d?)(?P=sep)(?P<y>\d{4}|\d\d)(?![\d/]|\.\d)"), _numeric),
    (_c(r"(?P<day>\d\d?)(?:st|nd|rd|th)?(?:\s*[-–]\s*\d\d?(?:st|nd|rd|th)?)?\b"), _day_of_month),
]
RULES = FULL_DATE_RULES + [
    (_c(rf"(?:{'|'.join([*MONTHS, *ABBR])})\b"), _month_word),
    (_c(rf"(?P<wd>{WD})\b"), _weekday),
    (_c(r"(?:yesterday|today|tomorrow|tonight|this\s+(?:morning|afternoon|evening)|last\s+night"
        rf"|{INFORMAL_RE})\b"), _deictic),
    (_c(rf"(?P<wd>{'|'.join(WD_ABBR)})\b\.?"), _weekday),
    (_c(r"ago\b"), _ago),
    (_c(r"(?P<which>last|this|next|the|current)\s+(?:(?P<whole>fiscal|full)\s+)?"
        r"(?P<unit>week|weekend|month|year|quarter)\b"), _unit),
    (_c(r"(?P<dec>(?:1\d|20)\d)0s\b|['’](?P<short>\d)0s\b"), _decade),
    (_c(r"(?P<n>\d\d?)(?:st|nd|rd|th)\s+century\b"), _century),
    (_c(rf"(?P<season>spring|summer|autumn|fall|winter)\b(?:,?\s+(?:of\s+)?{YEAR})?"), _season),
    (_c(rf"(?:(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)[-\s]+quarter|q(?P<q>[1-4]))\b"
        rf"(?:\s+(?:of\s+)?{YEAR})?"), _quarter),
    (_c(YEAR), _year),
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

"""The words and patterns of dates in English news: month and weekday names and their abbreviations, numbers
and modifiers, and the small regexes read right after a core word or right before it (each ending in `$`).
Shared by the rules (dates_rules.py), the values they compute (dates_values.py) and the span reader (dates.py)."""
from __future__ import annotations

import re

MONTHS = {name: n for n, name in enumerate(("january", "february", "march", "april", "may", "june", "july",
                                            "august", "september", "october", "november", "december"), 1)}
ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
        "nov": 11, "dec": 12}
# Real words one typo away from a month name: "Match 3" is not March 3.
NOT_MONTHS = {"match", "marsh", "marco", "marcy"}
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
SEASONS = {"spring": ("SP", 3), "summer": ("SU", 6), "autumn": ("FA", 9), "fall": ("FA", 9), "winter": ("WI", 12)}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "a couple of": 2}
SHIFT = {"last": -1, "past": -1, "this": 0, "the": 0, "current": 0, "next": 1, "coming": 1}

WD = "|".join(WEEKDAYS)
# How messages abbreviate days ("this sat", "tmrw"); abbreviated weekdays count only after last/this/next/on.
WD_ABBR = {"mon": "monday", "tues": "tuesday", "tue": "tuesday", "wed": "wednesday", "thurs": "thursday",
           "thur": "thursday", "thu": "thursday", "fri": "friday", "sat": "saturday", "sun": "sunday"}
INFORMAL = {"tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow", "2morrow": "tomorrow", "tdy": "today",
            "2day": "today", "yday": "yesterday", "tonite": "tonight", "last nite": "last night"}
INFORMAL_RE = "|".join(k.replace(" ", r"\s+") for k in INFORMAL)
NUM = "|".join(sorted(NUMBERS, key=len, reverse=True)).replace(" ", r"\s+")
YEAR = r"(?P<year>1\d\d\d|20\d\d)(?![\d%]|[.,]\d)\b"
MOD = (r"(?P<mod>\b(?:earlier|later|early|mid|late)[-\s]+"
       r"|\b(?:the\s+)?(?:end|beginning|start|middle)\s+of\s+)")
PREP = r"(?:\b(?P<prep>in|since|until|till|during|before|after|through|throughout|by|from|between)\s+)"
_c = re.compile
# A bare four-digit number this close to the publication year is read as a year.
BARE_YEAR_RANGE = 30

# Looked for right after a core.
YEAR_AFTER = _c(rf",?\s+(?:of\s+)?{YEAR}")
MON_AFTER = _c(r"\s+(?:of\s+)?(?P<mon>[a-z]{3,10})\b(?:\.(?=,?\s+\d{4}))?")
DIGIT_AFTER = _c(r"[.,\s]*\d")
PART_OF_DAY = _c(r"\s+(?:morning|afternoon|evening|night)\b")
DURATION_AFTER = _c(r"\s+(?:\S+\s+)?(?:days?|weeks?|months?|years?|decades?|hours?)\b")
COUNTED = _c(r"\s+(?!(?:as|was|has|is|his|its|this|thus)\b)[a-z]+s\b|\s+(?:people|men|women|children)\b")
# Looked for right before a core (each ends in `$`, searched in a window that ends at the core).
MON_BEFORE = _c(rf"(?:\b(?:{WD}),?\s+)?\b(?P<mon>[a-z]{{3,10}})(?:\.\s*|\s+)$")
DAY_LEAD = _c(rf"(?:\b(?:{WD}),?\s+)?(?:\bthe\s+)?$")
MONTH_LEAD = _c(rf"{PREP}?(?P<rest>{MOD}?(?:\b(?P<which>last|this|next)\s+)?)$")
WD_LEAD = _c(r"(?:\b(?P<lead>last|next|this|coming|past|every|each)|\b(?:earlier|early|later|late)(?:\s+on)?)\s+$")
AGO_LEAD = _c(rf"(?:\b(?P<n>\d+|{NUM}|a\s+few|few|several|some|many)\s+)?"
             r"\b(?P<unit>day|week|month|year|decade)s?\s+$")
MOD_LEAD = _c(rf"{MOD}$")
PREP_LEAD = _c(rf"{PREP}$")
MONTH_WORDS = "|".join([*MONTHS, *ABBR])
SCENE_YEAR = _c(YEAR)
# Words for the publication's own days; a weekday before a date ("Sunday, December 7") is part of that date.
PRESENT = _c(rf"\b(?:today|yesterday|tomorrow|tonight|last\s+(?:week|month|night)|this\s+(?:week|month|morning)"
             rf"|next\s+(?:week|month)|(?:{WD})(?!,?\s+(?:\d|{MONTH_WORDS})))\b")
SCENE_LEAD = _c(rf"(?:\b(?:in|during|of|early|mid|late|spring|summer|autumn|fall|winter)[-\s]+"
                rf"|\b(?:{MONTH_WORDS})\.?\s+(?:\d\d?(?:st|nd|rd|th)?,?\s+)?"
                rf"|\b\d\d?(?:st|nd|rd|th)?\s+(?:{MONTH_WORDS})\.?,?\s+)$")
YEAR_LEAD = _c(rf"{PREP}?{MOD}?(?P<fiscal>\bfiscal\s+)?$")
DECADE_LEAD = _c(r"(?:\bthe\s+)?(?:\b(?:early|mid|late)[-\s]+)?$")
SEASON_LEAD = _c(r"\b(?P<lead>this|last|next|the|early|mid|late)[-\s]+$")
THE = _c(r"\bthe\s+$")
ON = _c(r"\bon\s+$")
SPELLED_LEAD = _c(r"\b(?:in|since|by|until|year|of)\s+$")
NAME_BEFORE = _c(r"[A-Z][a-z]+\s+$")
MEDIA_BEFORE = _c(r"\b(?:usa|russia)\s+$")

FUTURE_CUE = _c(r"(?<!-)\b(?:will|would|shall|won['’]t|going\s+to|plans?\s+to|planned|scheduled|expected|forecast"
                r"|set\s+to|due\s+(?:on|by|at)|(?:is|are)\s+to)\b|['’]ll\b")
EFFECTIVE = _c(r"\beffective\s+$")  # "a new pact effective June 1": announced ahead of the day
REPORTING = _c(r"\b(?:said|says|told|announced|reported|added|stated)\b")
CLAUSE_BREAK = _c(r"[.;:!?\n]|,\s")
# spaCy spans: a bare month or year is read here, a span naming neither (or a duration, set, age) skipped.
NOT_A_DATE = _c(r"\b(?:every|each|daily|nightly|weekly|monthly|annual(?:ly)?|hourly|old|ago|hours?|minutes?"
                r"|days|weeks|months|years|decades|a\.m\.|p\.m\.)\b", re.IGNORECASE)
HAS_DATE_WORD = _c(rf"\b(?:{'|'.join([*MONTHS, *ABBR])})\b|\b(?:1[89]|20)\d\d\b", re.IGNORECASE)
BARE = _c(rf"(?:the\s+)?(?:(?P<mon>{'|'.join([*MONTHS, *ABBR])})\.?|{YEAR})", re.IGNORECASE)

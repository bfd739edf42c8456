"""Helpers of the date tests: one expression found in a text, and what it means."""
from datetime import date

from pipeline.dates import find_dates

SAT = date(2022, 9, 10)  # the seed article's publication day, a Saturday


def one(text, anchor=SAT, candidates=()):
    found = find_dates(text, anchor, candidates)
    assert len(found) == 1, found
    assert text[found[0].start:found[0].end] == found[0].text
    return found[0]


def check(text, value, precision, basis, anchor=SAT, expect_text=None):
    m = one(text, anchor)
    assert (m.value, m.precision, m.basis) == (value, precision, basis), m
    if expect_text is not None:
        assert m.text == expect_text
    return m

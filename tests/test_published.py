"""Publication dates (pipeline/published.py): every common form of a record's value, the URL's date, and from the
text only what dates the text itself; never the run's date."""
from datetime import date

import pytest

from pipeline.dates import explicit_days
from pipeline.published import Partial, decide, from_text, from_url, parse_value

SAT = date(2022, 9, 10)
CAPTIONS = (
    "Intro.\n" * 40 +
    "KHARKIV, UKRAINE - SEPTEMER 09: Ukrainian forces patrol in Kharkiv, Ukraine on September 09, 2022.\u00a0 "
    "(Photo by Metin Aktas/Anadolu Agency via Getty Images)\n\n"
    "This photograph taken in Balakliya on September 10, 2022 shows a Russian armoured vehicle. (Photo by AFP)\n"
)


@pytest.mark.parametrize("raw, expected", [
    ("2016-12-19", date(2016, 12, 19)),
    ("2016-12-19T23:30:00-05:00", date(2016, 12, 19)),  # the date as written, not moved to UTC
    ("Mon, 19 Dec 2016 10:30:00 +0000", date(2016, 12, 19)),
    ("Wed Nov 23 12:00:00 +0000 2016", date(2016, 11, 23)),
    ("December 19, 2016", date(2016, 12, 19)),
    ("Dec. 19, 2016 at 4:05 PM", date(2016, 12, 19)),
    ("19 December 2016", date(2016, 12, 19)),
    (1482105600, date(2016, 12, 19)),
])
def test_published_value_in_every_common_form(raw, expected):
    assert parse_value(raw).day == expected


def test_published_value_without_a_day_is_no_date():
    assert parse_value("7:58 AM ET").day is None and parse_value("7:58 AM ET").bad
    assert parse_value("yesterday").day is None
    assert parse_value("Wed Nov 23") == parse_value("Wed Nov 23").__class__(partial=Partial(11, 23, 2))
    assert parse_value("2022-02-31").bad


@pytest.mark.parametrize("url, expected", [
    ("https://www.washingtonpost.com/realestate/a-taste/2018/01/22/44edd466_story.html", date(2018, 1, 22)),
    ("http://www.thetowntalk.com/article/20090320/NEWS01/90320003/-1/rss", date(2009, 3, 20)),
    ("https://chinapost.nownews.com/20180401-270851", date(2018, 4, 1)),
    ("https://example.org/news/2016-12-19-storm-hits", date(2016, 12, 19)),
    ("https://example.org/article/131191/Oman", None),
    ("https://example.org/2018/01/take_a_virtual_tour.html", None),  # a month is no day
])
def test_published_date_from_the_url(url, expected):
    assert from_url(url) == expected


def test_published_from_the_text_reads_captions_and_datelines():
    assert from_text(CAPTIONS, explicit_days(CAPTIONS)) == SAT


def test_published_from_the_text_ignores_a_history_paragraph():
    text = ("Here is a look at the life of Abraham Lincoln, the 16th president of the United States. " * 4 +
            "Later, on November 19, 1863, he delivered the Gettysburg Address in Pennsylvania.")
    assert from_text(text, explicit_days(text)) is None


def test_published_partial_value_takes_a_year_its_weekday_allows():
    text = "Recounts were requested in 2016 in three states."
    assert from_text(text, [], Partial(11, 23, 2)) == date(2016, 11, 23)  # a Wednesday in 2016, not in 2017
    assert from_text("Nothing here.", [], Partial(11, 23, 2)) is None


def test_published_decide_order_and_undated():
    assert decide("2016-12-19", "https://x.org/2015/01/01/a", None, "") == (date(2016, 12, 19), "given", False)
    assert decide(None, "https://x.org/2015/01/02/a", date(2020, 1, 1), "") == (date(2015, 1, 2), "url", False)
    assert decide("7:58 AM ET", None, date(2020, 1, 1), "") == (date(2020, 1, 1), "option", True)
    assert decide(None, None, None, "Shelling hit Izyum on Friday.") == (None, "none", False)

"""Temporal expressions: detection, TIMEX3 normalisation against the publication date, inference of that date."""
from datetime import date
from pathlib import Path

import pytest

from dates_support import SAT, check, one
from pipeline.dates import find_dates

SEED = Path(__file__).resolve().parent.parent / "data" / "articles" / "fox-news" / "kharkiv-counteroffensive.txt"
CAPTIONS = (
    "KHARKIV, UKRAINE - SEPTEMER 09: Ukrainian forces patrol after Ukrainian army took control some of the villages "
    "in Kharkiv, Ukraine on September 09, 2022.\u00a0 (Photo by Metin Aktas/Anadolu Agency via Getty Images)\n\n"
    "HARKIV, UKRAINE - SEPTEMBER 08: A tank of Ukrainian Army advances to the fronts in the northeastern areas of "
    "Kharkiv, Ukraine on September 08, 2022.\n\n"
    "This photograph taken in Balakliya, Kharkiv region, on September 10, 2022 shows a Russian BTR-80 armoured "
    "vehicle. - Ukrainian forces said September 10, 2022 they had entered the town of Kupiansk in eastern Ukraine."
)


@pytest.mark.parametrize("text,value,expect_text", [
    ("Friday", "2022-09-09", "Friday"),
    ("Saturday", "2022-09-10", "Saturday"),  # news uses the weekday's name for today
    ("he renewed these warnings Friday night.", "2022-09-09", "Friday night"),
    ("Earlier Saturday spokesman Oleh Nikolenko suggested", "2022-09-10", "Earlier Saturday"),
    ("troops entered the city on Monday", "2022-09-05", "Monday"),
    ("the ministry said Sunday", "2022-09-04", "Sunday"),
])
def test_dates_weekday_is_most_recent_including_today(text, value, expect_text):
    m = check(text, value, "day", "relative", expect_text=expect_text)
    assert m.day == date.fromisoformat(value)


@pytest.mark.parametrize("text,value", [
    ("last Friday", "2022-09-09"), ("last Saturday", "2022-09-03"),
    ("next Tuesday", "2022-09-13"), ("next Saturday", "2022-09-17"),
])
def test_dates_last_and_next_weekday_are_strictly_before_and_after(text, value):
    check(text, value, "day", "relative", expect_text=text)


def test_dates_weekday_in_a_future_clause_is_the_coming_one():
    assert one("He will visit Kyiv on Tuesday.").value == "2022-09-13"
    assert one("Landfall is expected on Wednesday.").value == "2022-09-14"
    assert one("Zelensky said Tuesday that he will visit.").value == "2022-09-06"


@pytest.mark.parametrize("text", ["every Monday", "They meet on Mondays.", "each Friday"])
def test_dates_weekday_sets_are_not_dates(text):
    assert find_dates(text, SAT) == []


@pytest.mark.parametrize("text,anchor,value", [
    ("a major counteroffensive that was launched on Sept. 1.", SAT, "2022-09-01"),
    ("Dec. 30", date(2023, 1, 5), "2022-12-30"),
    ("Sept. 20", SAT, "2022-09-20"),  # a near future date stays in this year
    ("Sep 9th", SAT, "2022-09-09"),
    ("the 9th of September", SAT, "2022-09-09"),
    ("Sept.10", SAT, "2022-09-10"),
    ("May 5", SAT, "2022-05-05"),
])
def test_dates_month_day_without_year_takes_the_nearest_past_leaning_year(text, anchor, value):
    check(text, value, "day", "relative", anchor=anchor)


@pytest.mark.parametrize("text,value", [
    ("September 09, 2022", "2022-09-09"),
    ("10 September 2022", "2022-09-10"),
    ("2022-09-10", "2022-09-10"),
    ("9/10/2022", "2022-09-10"),  # US order
    ("25/12/2021", "2021-12-25"),  # a first number over 12 cannot be a month
    ("10.09.2022", "2022-09-10"),
    ("Friday, Sept. 9, 2022", "2022-09-09"),
    ("KRAMATORSK, Ukraine – Monday, 3 October 2022 – Soldiers", "2022-10-03"),
    ("Sept. 9-10, 2022", "2022-09-09"),
])
def test_dates_explicit_full_dates(text, value):
    m = check(text, value, "day", "explicit", anchor=date(2030, 1, 1))
    assert m.day == date.fromisoformat(value)


def test_dates_typo_month_in_all_caps_dateline():
    m = check("KHARKIV, UKRAINE - SEPTEMER 09: Ukrainian forces patrol", "2022-09-09", "day", "relative")
    assert m.text == "SEPTEMER 09"
    assert one("Signed on Septmeber 9, 2022.").value == "2022-09-09"


@pytest.mark.parametrize("text", ["Match 3 was postponed.", "Marco 5", "marched 9 miles", "the 3 Marines"])
def test_dates_typo_tolerance_does_not_invent_months(text):
    assert find_dates(text, SAT) == []


@pytest.mark.parametrize("text,value", [
    ("yesterday", "2022-09-09"), ("today", "2022-09-10"), ("tomorrow", "2022-09-11"), ("tonight", "2022-09-10"),
    ("last night", "2022-09-09"), ("this morning", "2022-09-10"), ("two days ago", "2022-09-08"),
    ("3 days ago", "2022-09-07"),
])
def test_dates_deictic_words_and_days_ago(text, value):
    check(text, value, "day", "relative", expect_text=text)


@pytest.mark.parametrize("text,value,precision,day", [
    ("last week", "2022-W35", "week", date(2022, 8, 29)),
    ("this week", "2022-W36", "week", date(2022, 9, 5)),
    ("late last week", "2022-W35", "week", date(2022, 8, 29)),
    ("two weeks ago", "2022-W34", "week", date(2022, 8, 22)),
    ("last month", "2022-08", "month", date(2022, 8, 1)),
    ("this month", "2022-09", "month", date(2022, 9, 1)),
    ("earlier this month", "2022-09", "month", date(2022, 9, 1)),
    ("this year", "2022", "year", date(2022, 1, 1)),
    ("earlier this year", "2022", "year", date(2022, 1, 1)),
    ("the end of the year", "2022", "year", date(2022, 1, 1)),
    ("last year", "2021", "year", date(2021, 1, 1)),
    ("next year", "2023", "year", date(2023, 1, 1)),
    ("three years ago", "2019", "year", date(2019, 1, 1)),
    ("last quarter", "2022-Q2", "quarter", date(2022, 4, 1)),
])
def test_dates_relative_units_keep_their_granularity(text, value, precision, day):
    m = check(text, value, precision, "relative", expect_text=text)
    assert m.day == day


def test_dates_weekend_is_a_timex_weekend():
    monday = date(2022, 9, 12)
    m = check("villages abandoned over the weekend", "2022-W36-WE", "week", "relative", anchor=monday)
    assert (m.text, m.day) == ("the weekend", date(2022, 9, 10))
    assert one("they would hold rallies over the weekend", anchor=date(2022, 9, 22)).day == date(2022, 9, 24)


@pytest.mark.parametrize("text,value,precision,basis,expect_text", [
    ("fighting resumed in March", "2022-03", "month", "relative", "March"),
    ("since mid-June", "2022-06", "month", "relative", "mid-June"),
    ("the end of August", "2022-08", "month", "relative", "the end of August"),
    ("March 2021", "2021-03", "month", "explicit", "March 2021"),
    ("in 2019", "2019", "year", "explicit", "2019"),
    ("since early 2014", "2014", "year", "explicit", "early 2014"),
    ("the 1990s", "199X", "decade", "explicit", "the 1990s"),
    ("the 19th century", "18", "century", "explicit", "the 19th century"),
    ("summer", "2022-SU", "season", "relative", "summer"),
    ("this summer", "2022-SU", "season", "relative", "this summer"),
    ("last winter", "2021-WI", "season", "relative", "last winter"),
    ("the third quarter", "2022-Q3", "quarter", "relative", "the third quarter"),
    ("Q4 2021", "2021-Q4", "quarter", "explicit", "Q4 2021"),
])
def test_dates_months_years_decades_seasons_quarters(text, value, precision, basis, expect_text):
    check(text, value, precision, basis, expect_text=expect_text)


def test_dates_since_a_month_is_in_the_past():
    assert one("half the animals had died since January.", anchor=date(2022, 10, 11)).value == "2022-01"


@pytest.mark.parametrize("text,value", [
    ("now", "PRESENT_REF"), ("Prices are currently high", "PRESENT_REF"), ("recently", "PAST_REF"),
    ("advances in recent days will continue", "PAST_REF"), ("weeks ago", "PAST_REF"),
    ("in the coming days", "FUTURE_REF"),
])
def test_dates_reference_values_have_no_calendar_day(text, value):
    m = check(text, value, "ref", "relative")
    assert m.day is None


@pytest.mark.parametrize("text", [
    "UKRAINIAN SOLDIERS ADVANCE 30 MILES IN 3 DAYS IN KHARKIV", "fighting for three weeks", "during his nightly address",
    "daily shelling", "in the past week", "for the last year", "over the past year",
])
def test_dates_durations_and_sets_are_not_dates(text):
    assert find_dates(text, SAT) == []


@pytest.mark.parametrize("text", [
    "John Smith, 19, of Kyiv", "a 19-year-old student", "it may rain", "after a few more successes",
    "at 10:30 a.m.", "nearly 2000 troops", "in 2000 homes", "a $2022 bill", "USA Today reported",
    "the fall of Kherson", "prices fall", "the Arab Spring", "a quarter of the troops", "troops march on",
])
def test_dates_numbers_ages_money_verbs_and_names_are_not_dates(text):
    assert find_dates(text, SAT) == []


def test_dates_offsets_index_the_original_text():
    text = "Kyiv’s hopes\u00a0rose on\u00a0Sept.\u00a01, and Ukraine’s troops advanced Friday\u00a0night."
    found = find_dates(text, SAT)
    assert [(m.text, m.value) for m in found] == [("Sept.\u00a01", "2022-09-01"), ("Friday\u00a0night", "2022-09-09")]
    assert all(text[m.start:m.end] == m.text for m in found)


def test_dates_output_is_sorted_and_non_overlapping():
    text = "On Friday, Sept. 9, 2022, and earlier this year, and on Sept. 1 and last week."
    found = find_dates(text, SAT)
    assert [m.text for m in found] == ["Friday, Sept. 9, 2022", "earlier this year", "Sept. 1", "last week"]
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))


def test_dates_candidates_fill_gaps_the_rules_leave():
    text = "Its 2014 annexation and the October rains, for 3 DAYS, on Sept. 1."
    spans = [(text.index(s), text.index(s) + len(s)) for s in ("2014", "October", "3 DAYS", "Sept. 1")]
    found = {m.text: m for m in find_dates(text, SAT, spans)}
    assert set(found) == {"2014", "October", "Sept. 1"}
    assert (found["2014"].value, found["2014"].precision, found["2014"].basis) == ("2014", "year", "explicit")
    assert (found["October"].value, found["October"].precision) == ("2022-10", "month")


@pytest.mark.parametrize("text,value,precision", [
    ("9-Sep-2022", "2022-09-09", "day"), ("September the 9th, 2022", "2022-09-09", "day"),
    ("Sep-2022", "2022-09", "month"),
])
def test_dates_candidates_in_unknown_formats_go_to_dateparser(text, value, precision):
    assert all(m.precision == "year" for m in find_dates(text, SAT))  # the rules alone see a year at most
    m = one(text, candidates=[(0, len(text))])
    assert (m.value, m.precision, m.basis) == (value, precision, "explicit")


def test_dates_anchor_is_the_publication_date_not_the_clock():
    assert one("yesterday", anchor=date(2015, 3, 2)).value == "2015-03-01"
    assert one("last year", anchor=date(1999, 6, 1)).value == "1998"
    assert one("Friday", anchor=date(2015, 3, 2)).value == "2015-02-27"


def test_dates_seed_article():
    text = SEED.read_text(encoding="utf-8")
    found = find_dates(text, SAT)
    assert all(text[m.start:m.end] == m.text for m in found)
    by_text: dict[str, set] = {}
    for m in found:
        by_text.setdefault(m.text, set()).add((m.value, m.precision))
    assert by_text["Sept. 1"] == {("2022-09-01", "day")}
    assert by_text["Friday"] == {("2022-09-09", "day")}
    assert by_text["Friday night"] == {("2022-09-09", "day")}
    assert by_text["Saturday"] == {("2022-09-10", "day")}
    assert by_text["Earlier Saturday"] == {("2022-09-10", "day")}
    assert by_text["earlier this year"] == {("2022", "year")}
    assert by_text["SEPTEMER 09"] == {("2022-09-09", "day")}
    assert by_text["September 09, 2022"] == {("2022-09-09", "day")}
    assert by_text["SEPTEMBER 08"] == {("2022-09-08", "day")}
    assert by_text["September 08, 2022"] == {("2022-09-08", "day")}
    assert by_text["September 10, 2022"] == {("2022-09-10", "day")}
    assert sum(m.text == "Saturday" for m in found) == 3
    assert max(m.day for m in found if m.day) <= SAT
    for phrase in ("nightly", "3 DAYS", "a few more"):
        at = text.index(phrase)
        assert not any(m.start < at + len(phrase) and at < m.end for m in found), phrase


def test_dates_seed_article_with_spacy_spans_adds_no_durations():
    text = SEED.read_text(encoding="utf-8")
    spans = [(text.index(s), text.index(s) + len(s)) for s in ("nightly", "3 DAYS", "a few more", "Sept. 1")]
    assert find_dates(text, SAT, spans) == find_dates(text, SAT)


@pytest.mark.parametrize("text,anchor,value", [
    ("We met on Christmas Eve.", date(2014, 12, 10), "2014-12-24"),
    ("Happy xmas!", date(2014, 12, 27), "2014-12-25"),
    ("Parties on New Year's Eve", date(2014, 12, 10), "2014-12-31"),
    ("Thanksgiving dinner", date(2014, 12, 1), "2014-11-27"),
    ("Halloween parade", date(2013, 11, 2), "2013-10-31"),
])
def test_dates_holidays_are_their_nearest_day(text, anchor, value):
    assert one(text, anchor=anchor).value == value


def test_dates_new_years_resolutions_are_not_a_date():
    assert find_dates("New Year's resolutions are hard.", SAT) == []


def test_dates_future_references():
    assert one("Prices will rise in the near future.").value == "FUTURE_REF"


def test_dates_bare_year_near_publication_is_a_year_far_one_is_not():
    assert one("The 2014 election was close.", anchor=date(2015, 3, 1)).value == "2014"
    assert find_dates("Flight 1492 landed.", date(2015, 3, 1)) == []
    assert find_dates("About 2000 troops crossed.", date(2015, 3, 1)) == []


def test_dates_month_in_a_future_clause_is_the_coming_one():
    text = "Colonel Collins will be named commander of the shuttle for a mission in December."
    assert one(text, anchor=date(1998, 3, 4)).value == "1998-12"
    assert one("The mission flew in December.", anchor=date(1998, 3, 4)).value == "1997-12"


def test_dates_parse_tense_decides_the_year_of_a_month():
    text = "The company bought the stores in February."
    past = lambda offset: "past"  # noqa: E731  (what ner.clause_tense says for this clause)
    future = lambda offset: "future"  # noqa: E731
    anchor = date(1989, 10, 30)
    assert find_dates(text, anchor, tense=past)[0].value == "1989-02"
    assert find_dates(text, anchor, tense=future)[0].value == "1990-02"


@pytest.mark.parametrize("text,value", [
    ("Prices rose in nineteen ninety-six.", "1996"),
    ("It happened in nineteen seventy-nine.", "1979"),
    ("by the year two thousand", "2000"),
    ("in two thousand and one", "2001"),
])
def test_dates_spelled_out_years(text, value):
    assert one(text, anchor=date(1998, 3, 1)).value == value


def test_dates_spelled_out_numbers_that_count_are_not_years():
    assert find_dates("Police said two thousand people marched.", date(1998, 3, 1)) == []


@pytest.mark.parametrize("text,value", [
    ("see u tmrw", "2013-04-11"), ("tdy is great", "2013-04-10"), ("last nite was fun", "2013-04-09"),
    ("party this sat, 7pm", "2013-04-13"), ("on Fri we went", "2013-04-05"),
])
def test_dates_message_shorthand(text, value):
    assert one(text, anchor=date(2013, 4, 10)).value == value  # a Wednesday


@pytest.mark.parametrize("text", ["I sat down", "the Sun reported it", "YTD returns rose"])
def test_dates_shorthand_needs_a_cue(text):
    assert find_dates(text, date(2013, 4, 10)) == []

"""Temporal expressions that lean on another: a year beside a month or quarter, the quarter an earnings report
reports, narrative references ("that day", "a year earlier"), scenes, and undated texts."""
from datetime import date

import pytest

from dates_support import one
from pipeline.dates import find_dates, fixed_by_text

OCT = date(2022, 10, 25)  # a Tuesday, as third-quarter results come out


@pytest.mark.parametrize("text,value,expect_text", [
    ("The rebels split in mid-2019.", "2019", "mid-2019"),
    ("Profit doubled in fiscal 2021.", "2021", "fiscal 2021"),
    ("Sales will rise in the current fiscal year.", "2022", "the current fiscal year"),
    ("In March last year, the dam burst.", "2021-03", "March last year"),
    ("Prices fell in June this year.", "2022-06", "June this year"),
    ("the summer of nineteen ninety-eight", "1998-SU", "the summer of nineteen ninety-eight"),
    ("Flooding returned. April nineteen ninety-nine.", "1999-04", "April nineteen ninety-nine"),
    ("It lost money in the 2020 fourth quarter.", "2020-Q4", "the 2020 fourth quarter"),
    ("Deliveries start in next year's second quarter.", "2023-Q2", "next year's second quarter"),
])
def test_dates_a_year_beside_another_expression_joins_it(text, value, expect_text):
    m = one(text, anchor=OCT)
    assert (m.value, m.text) == (value, expect_text)


def test_dates_a_quarter_just_ended_is_this_years_even_in_a_future_clause():
    assert one("Acme will report its third-quarter results soon.", anchor=OCT).value == "2022-Q3"


EARNINGS = ("Acme Corp. said third-quarter profit rose 12% to $40 million from $35.7 million a year earlier. "
            "Sales in the quarter climbed 5%. In the year-ago quarter, Acme took a charge for a plant closing. "
            "The 2021 period also included a gain.")


def test_dates_earnings_reports_refer_to_the_quarter_reported():
    found = [(m.text, m.value) for m in find_dates(EARNINGS, OCT)]
    assert found == [("third-quarter", "2022-Q3"), ("a year earlier", "2021-Q3"), ("the quarter", "2022-Q3"),
                     ("the year-ago quarter", "2021-Q3"), ("The 2021 period", "2021-Q3")]


def test_dates_a_quarter_ahead_or_long_ago_is_not_the_one_reported():
    text = ("Third-quarter sales fell 4%, and Acme expects a weak fourth quarter. In the 2020 third quarter it "
            "lost money. Sales were $5 million a year earlier.")
    assert find_dates(text, OCT)[-1].value == "2021-Q3"


def test_dates_the_quarter_ended_a_day_is_the_quarter_holding_it():
    found = find_dates("Revenue for the quarter ended Sept. 30 rose.", OCT)
    assert [(m.text, m.value) for m in found] == [("the quarter", "2022-Q3"), ("Sept. 30", "2022-09-30")]


def test_dates_the_latest_quarter_alone_is_the_last_completed_one():
    assert one("Margins widened in the latest quarter.", anchor=OCT).value == "2022-Q3"


@pytest.mark.parametrize("text", ["They walked through the old quarter.", "Losses fell over the period."])
def test_dates_the_quarter_or_period_with_no_quarter_named_is_no_date(text):
    assert find_dates(text, OCT) == []


def test_dates_a_year_earlier_outside_earnings_is_the_year_before():
    assert one("Wages rose 3% from a year earlier.", anchor=OCT).value == "2021"


def test_dates_narrative_references_count_from_the_last_date_named():
    text = "On May 22, 2015, she was promoted; the following year she moved to Lviv, and two years later she left."
    assert [(m.text, m.value) for m in find_dates(text, OCT)][1:] == [("the following year", "2016"),
                                                                     ("two years later", "2018")]
    found = find_dates("The dam burst on March 3, 2021. The next day rescuers arrived.", OCT)
    assert (found[-1].text, found[-1].value) == ("The next day", "2021-03-04")


@pytest.mark.parametrize("text", ["That year was hard.", "Rescuers came the next day."])
def test_dates_references_with_nothing_to_refer_to_are_no_date(text):
    assert find_dates(text, OCT) == []


def test_dates_until_then_is_the_date_before():
    found = find_dates("The offer expires on Nov. 30. Until then, holders may convert.", OCT)
    assert [(m.text, m.value) for m in found] == [("Nov. 30", "2022-11-30"), ("then", "2022-11-30")]


def test_dates_later_in_the_day_is_the_day_named_or_the_publication_day():
    assert one("The mayor spoke later in the day.", anchor=OCT).value == "2022-10-25"
    found = find_dates("Shelling began on Sunday. Later in the day the bridge fell.", OCT)
    assert [(m.text, m.value) for m in found] == [("Sunday", "2022-10-23"), ("the day", "2022-10-23")]


def test_dates_the_previous_weekday_is_before_the_day_named():
    text = "Stocks closed at 2,000 on Oct. 12, down from the previous Friday."
    assert find_dates(text, OCT)[-1].value == "2022-10-07"


def test_dates_effective_dates_and_is_to_point_ahead():
    assert one("Workers approved a contract effective Feb. 1.", anchor=OCT).value == "2023-02-01"
    assert one("Trading is to resume Thursday.", anchor=OCT).value == "2022-10-27"


@pytest.mark.parametrize("text,value", [
    ("Acme hopes to close the deal by year-end.", "2022-12-31"), ("The index is up 8% since year-end.", "2021-12-31"),
])
def test_dates_year_end_is_the_nearest_december_31(text, value):
    assert one(text, anchor=OCT).value == value


def test_dates_a_text_telling_of_another_year_dates_yearless_days_in_it():
    text = ("The siege began in 1941. In September, the city was encircled, and on December 5 the counterattack "
            "began. By the spring of 1942 the front had moved; in the summer the offensive resumed.")
    found = [(m.text, m.value) for m in find_dates(text, OCT)]
    assert ("September", "1941-09") in found and ("December 5", "1941-12-05") in found
    assert ("the summer", "1942-SU") in found


def test_dates_a_year_mentioned_in_passing_does_not_move_yearless_days():
    text = "Iran, which signed the August 1988 ceasefire, condemned the invasion on Aug. 2."
    assert find_dates(text, date(1990, 8, 15))[-1].value == "1990-08-02"


@pytest.mark.parametrize("text,value,expect_text", [
    ("Sales should slow in coming months.", "FUTURE_REF", "coming months"),
    ("Margins will stay thin in the near term.", "FUTURE_REF", "the near term"),
    ("Acme expects a loss for the full year.", "2022", "the full year"),
    ("Revenue fell in the fiscal year.", "2022", "the fiscal year"),
    ("It forecast fiscal 2023 sales of $9 million.", "2023", "fiscal 2023"),
])
def test_dates_report_phrases(text, value, expect_text):
    m = one(text, anchor=OCT)
    assert (m.value, m.text) == (value, expect_text)


def test_dates_that_quarter_is_the_quarter_named_before():
    text = "Acme's second quarter of 2021 was weak. Results for that quarter included a charge."
    assert [(m.text, m.value) for m in find_dates(text, OCT)][-1] == ("that quarter", "2021-Q2")


def test_dates_the_day_before_an_event_is_only_dated_by_an_apposed_date():
    text = "Shares rose after Oct. 12, the day before the crash."
    assert [(m.text, m.value) for m in find_dates(text, OCT)] == [("Oct. 12", "2022-10-12"), ("the day", "2022-10-12")]
    assert find_dates("He resigned the day before the vote.", OCT) == []
    found = find_dates("She arrived on May 2; he had left the day before.", OCT)
    assert (found[-1].text, found[-1].value) == ("the day before", "2022-05-01")


def test_dates_today_is_the_nth_day_of_an_event():
    assert [(m.text, m.value) for m in find_dates("It is the ninth day of the strike.", OCT)] == [
        ("the ninth day", "2022-10-25")]


def test_dates_a_month_in_a_past_clause_is_past_unless_a_deadline():
    past = lambda offset: "past"  # noqa: E731  (what ner.clause_tense says for these clauses)
    anchor = date(1989, 10, 27)
    assert find_dates("The firm switched to a calendar year in December.", anchor, tense=past)[0].value == "1988-12"
    assert find_dates("Regulators gave the firm until mid-November.", anchor, tense=past)[0].value == "1989-11"


@pytest.mark.parametrize("text,expect_text", [
    ("Third-quarter profit fell to $2 million from $3 million in the corresponding period last year.",
     "the corresponding period last year"),
    ("Third-quarter sales rose. Sales for last year's quarter were $9 million.", "last year's quarter"),
    ("Third-quarter sales rose 4% from the quarter a year ago.", "the quarter a year ago"),
])
def test_dates_the_period_last_year_is_the_reported_quarter_a_year_before(text, expect_text):
    m = find_dates(text, OCT)[-1]
    assert (m.text, m.value) == (expect_text, "2021-Q3")


def test_dates_a_year_earlier_does_not_count_back_from_a_year_ago():
    text = "Net income was $5 million a year ago. Sales were $9 million, against $8 million a year earlier."
    assert [m.value for m in find_dates(text, OCT)] == ["2021", "2021"]
    found = find_dates("Profit fell from a year ago. Rains delayed planting earlier in the year.", OCT)
    assert (found[-1].text, found[-1].value) == ("the year", "2022")


def test_dates_a_count_after_an_event_is_no_date():
    assert find_dates("The cut comes a month after the airline halted flights.", OCT) == []
    found = find_dates("She arrived on March 2, 2021; he had left two days before.", OCT)
    assert (found[-1].text, found[-1].value) == ("two days before", "2021-02-28")


def test_dates_counts_past_the_calendars_ends_are_no_date():
    assert find_dates("The cult began 3000 years ago.", date(1500, 6, 1)) == []
    assert find_dates("On May 2, 2020 it opened; 99999999 days later it closed.", OCT)[-1].value == "2020-05-02"


def test_dates_a_scene_holds_however_long_the_text_dwells_on_it():
    filler = "The troops dug in along the river and waited for supplies to arrive from the coast. " * 30
    text = f"The campaign opened in 1916 and stalled by mid-1917. {filler}In September the rains came."
    assert find_dates(text, OCT)[-1].value == "1917-09"


@pytest.mark.parametrize("text,value", [
    ("The treaty was signed on September 3, 1783.", "1783-09-03"),
    ("The colonies declared independence in 1776.", "1776"),
    ("The city fell in March 1453.", "1453-03"),
])
def test_dates_years_before_1800_with_a_month_or_preposition(text, value):
    assert one(text, anchor=OCT).value == value


@pytest.mark.parametrize("text", ["Nearly 1500 troops crossed.", "The 1200 block of Main Street"])
def test_dates_bare_numbers_before_1800_are_not_years(text):
    assert find_dates(text, OCT) == []


def test_dates_news_that_speaks_of_its_own_days_keeps_yearless_days_in_its_own_time():
    career = "She joined the navy in 1995, flew in 2001 and retired in 2012. "
    assert find_dates(career + "In December she was fined.", OCT)[-1].value == "2012-12"
    text = career + "In December she was fined, the court said Tuesday."
    past = lambda offset: "past"  # noqa: E731  (what ner.clause_tense says for this clause)
    assert [m.value for m in find_dates(text, OCT, tense=past)][-2:] == ["2021-12", "2022-10-25"]


def test_dates_of_an_undated_text_are_those_it_fixes_on_its_own():
    text = "Troops entered Kupiansk on Friday. On September 09, 2022 shelling hit Izyum; talks failed in 2016."
    found = {m.text: m.value for m in fixed_by_text(text)}
    assert found == {"September 09, 2022": "2022-09-09", "2016": "2016"}  # no "Friday" counted from a guess

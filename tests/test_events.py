"""Event rows (pipeline/events.py): each place takes the date of its own occurrence, and an undated article's
events keep only what the text dates itself."""
from datetime import date

from pipeline_fixtures import extract_one

PUBLISHED = date(2022, 9, 10)  # a Saturday


def dates_of(extractor, text: str, published: date | None = PUBLISHED) -> dict[str, tuple]:
    return {e.place_text: (e.event_date, e.date_basis) for e in extract_one(extractor, text, published).events}


def test_events_one_occurrence_one_date(extractor):
    found = dates_of(extractor, "Troops entered Kupiansk, and on Saturday Ukraine said it had retaken Izyum.")
    assert found["Izyum"] == ("2022-09-10", "relative")
    assert found["Kupiansk"] == ("2022-09-10", "publication")  # no date of its own, not Izyum's by proximity
    found = dates_of(extractor, "Russian forces shelled Kharkiv on Thursday, after troops entered Izyum on Monday.")
    assert found["Kharkiv"][0] == "2022-09-08" and found["Izyum"][0] == "2022-09-05"


def test_events_a_date_above_the_clause_dates_it(extractor):
    assert dates_of(extractor, "On Friday officials said troops had entered Izyum.")["Izyum"][0] == "2022-09-09"


def test_events_of_an_undated_article_are_undated_unless_the_text_dates_them(extractor):
    text = "Shelling hit Kharkiv on Friday. On September 09, 2022 troops entered Izyum."
    found = dates_of(extractor, text, published=None)
    assert found["Kharkiv"] == (None, "none")  # "Friday" counts from nothing
    assert found["Izyum"] == ("2022-09-09", "explicit")

"""Place roles (pipeline/roles.py) on hand-made sentences through the real model and gazetteer."""
from datetime import date

import pytest
from pipeline_fixtures import extract_one

from pipeline.cli import extraction_record
from pipeline.taxonomy import MAP_ROLES, ROLES

PUBLISHED = date(2022, 9, 10)


def roles_of(extractor, text: str) -> dict[str, str]:
    return {m.text: m.role for m in extract_one(extractor, text, PUBLISHED).places}


@pytest.fixture
def grammar(extractor, monkeypatch):
    """The extractor with the grammar's roles alone: what roles.py reads before the occurrence model weighs it."""
    monkeypatch.setattr(extractor, "occurrence", None)
    return extractor


@pytest.mark.parametrize("text, place, role", [
    ("Ukrainian troops entered Kharkiv on Saturday.", "Kharkiv", "event"),
    ("Heavy shelling in Izyum continued on Friday.", "Izyum", "event"),
    ("Moscow said on Friday that the talks had failed.", "Moscow", "actor"),
    ("Kyiv's hopes remain high after the advance.", "Kyiv", "actor"),
    ("The claims were made by Moscow on Friday.", "Moscow", "actor"),
    ("Russia will soon start to withdraw its troops.", "Russia", "actor"),
    ("Officials held talks with Moscow on Friday.", "Moscow", "actor"),
    ("The army regrouped from Izyum to the Donetsk region on Friday.", "Izyum", "origin"),
    ("The army regrouped from Izyum to the Donetsk region on Friday.", "Donetsk region", "destination"),
    ("The army failed to take Kyiv earlier this year.", "Kyiv", "background"),
    ("In 2014, Russian troops seized Sevastopol.", "Sevastopol", "background"),
    ("Russian troops withdrew from Kyiv in March.", "Kyiv", "background"),  # months before publication
    ("Russian troops withdrew from Kyiv on Friday.", "Kyiv", "origin"),
    ("Shelling hit Izyum in eastern Ukraine on Friday.", "Ukraine", "background"),  # only says where Izyum is
    ("Shelling hit Izyum in eastern Ukraine on Friday.", "Izyum", "event"),
    ("Police arrested Scott Berrey, 31, of Paris, in London on Tuesday.", "Paris", "residence"),
    ("A Gainesville man was arrested on Friday.", "Gainesville", "residence"),
    ("The Pittsburgh-based company cut jobs on Friday.", "Pittsburgh", "residence"),
    ("The minister will visit Paris next week.", "Paris", "planned"),
    ("She also wants recounts in Michigan.", "Michigan", "planned"),
    ("He has not travelled to Mexico this year.", "Mexico", "planned"),
    ("The Athens Police Department arrested a man on Monday.", "Athens", "event"),  # a town's own police
    ("Tass said troops would be regrouped to the Donetsk region.", "Donetsk region", "destination"),  # reported
])
def test_roles_from_the_parse(grammar, text, place, role):
    assert roles_of(grammar, text)[place] == role


@pytest.mark.parametrize("text, place, role", [
    ("Police arrested Scott Berrey, 31, of Paris, in London on Tuesday after a robbery.", "London", "event"),
    ("She also wants recounts in Michigan and Pennsylvania.", "Michigan", "planned"),
    ("Shelling hit Izyum in eastern Ukraine on Friday.", "Ukraine", "background"),
    ("The army failed to take Kyiv earlier this year.", "Kyiv", "background"),
    ("A bomb exploded in a market in Kabul on Monday, killing ten people.", "Kabul", "event"),
])
def test_roles_after_the_occurrence_model(extractor, text, place, role):
    assert roles_of(extractor, text)[place] == role


def test_roles_dateline_and_caption_are_marked(grammar):
    text = ("KHARKIV, UKRAINE - SEPTEMBER 09: Ukrainian soldiers patrol a village.\n\n"
            "This photograph taken in Kyiv on September 10 shows a tank.\n\nShelling hit Odesa on Friday.")
    roles = roles_of(grammar, text)
    assert roles["KHARKIV"] == roles["UKRAINE"] == "dateline"
    assert roles["Kyiv"] == "dateline"  # where a photo was taken
    assert roles["Odesa"] == "event"


def test_roles_every_row_is_kept_with_its_role(grammar):
    extraction = extract_one(grammar, "Moscow said Russian missiles struck Odesa on Friday.", PUBLISHED)
    by_place = {e.place_text: e for e in extraction.events}
    assert by_place["Moscow"].role == "actor" and by_place["Odesa"].role == "event"
    assert {e.role for e in extraction.events} <= set(ROLES)
    assert [e.place_text for e in extraction.events if e.role in MAP_ROLES] == ["Odesa"]


def test_roles_in_the_extract_output(grammar):
    record = extraction_record(extract_one(grammar, "Moscow said troops entered Odesa on Friday.", PUBLISHED))
    assert {p["text"]: p["role"] for p in record["places"]} == {"Moscow": "actor", "Odesa": "event"}
    assert all(isinstance(e["actors"], list) for e in record["events"])


def test_roles_place_reason_travels_onto_the_row(extractor):
    extraction = extract_one(extractor, "Troops entered Kharkiv on Saturday.", PUBLISHED)
    [mention] = extraction.places
    [event] = extraction.events
    assert mention.reason and event.place_reason == mention.reason

"""Event types (pipeline/event_types.py, pipeline/taxonomy.py): rules on hand-made sentences, and a floor on the
hand-labelled set tests/data/event_types.jsonl (written for this project; every third sentence held out of tuning)."""
import json
import re
from datetime import date
from pathlib import Path

import pytest
from pipeline_fixtures import extract_one

from pipeline.event_words import TYPE_OF_WORD
from pipeline.models import Article
from pipeline.taxonomy import EVENT_TYPES

LABELLED = [json.loads(line) for line in (Path(__file__).parent / "data" / "event_types.jsonl").open(encoding="utf-8")]
PUBLISHED = date(2023, 6, 15)


def test_taxonomy_names_are_short_identifiers_with_descriptions():
    assert list(EVENT_TYPES)[-1] == "other"
    for name, description in EVENT_TYPES.items():
        assert re.fullmatch(r"[a-z][a-z_]{2,19}", name) and len(description) > 20
    assert set(TYPE_OF_WORD.values()) <= set(EVENT_TYPES)


def event_of(extractor, text: str, place: str):
    rows = [e for e in extract_one(extractor, text, PUBLISHED).events if e.place_text == place]
    assert rows, text
    return rows[0]


@pytest.mark.parametrize("text, place, kind, trigger", [
    ("Russian artillery shelled Zaporizhzhia on Tuesday.", "Zaporizhzhia", "strike", "shelled"),
    ("Nurses went on strike in London over pay.", "London", "protest", "strike"),
    ("Rioters set fire to buses in Kampala on Friday.", "Kampala", "riot", "set"),
    ("The president said in Kyiv that the talks had stalled.", "Kyiv", "diplomacy", "talks"),  # what it tells of
    ("The carmaker announced new jobs in Detroit.", "Detroit", "economic", "jobs"),
    ("Health officials confirmed twelve new cholera cases in Kinshasa.", "Kinshasa", "outbreak", "cholera"),
    ("Voters in Ankara cast their ballots on Sunday.", "Ankara", "election", "ballots"),
    ("The city council in Springfield voted to raise property taxes.", "Springfield", "government", "voted"),
    ("Two men were shot dead outside a bar in Chicago.", "Chicago", "crime", "shot"),
    ("Militants killed twenty villagers near Kidal on Sunday.", "Kidal", "violence_civilians", "killed"),
    ("A gas explosion destroyed a building in Montreal.", "Montreal", "accident", "explosion"),
    ("A car bomb explosion killed ten people in Kabul.", "Kabul", "strike", "explosion"),
    ("A jury in London found the banker guilty of fraud.", "London", "legal", "jury"),
    ("Thousands of families fled to Rafah on Monday.", "Rafah", "displacement", "fled"),
    ("Floods swept through Derna on Monday.", "Derna", "disaster", "Floods"),
    ("Police arrested a man in London on Tuesday.", "London", "arrest", "arrested"),
    ("Heavy fighting broke out in Khartoum on Saturday.", "Khartoum", "battle", "fighting"),
])
def test_event_type_and_trigger_from_the_governing_words(extractor, text, place, kind, trigger):
    event = event_of(extractor, text, place)
    assert (event.event_type, event.trigger) == (kind, trigger)


def test_event_actors_are_subjects_and_objects(extractor):
    event = event_of(extractor, "Russian troops withdrew from Kyiv on Friday.", "Kyiv")
    assert event.actors == ("Russian",)
    event = event_of(extractor, "Emmanuel Macron met Olaf Scholz in Paris on Friday.", "Paris")
    assert event.actors == ("Emmanuel Macron", "Olaf Scholz")
    event = event_of(extractor, "The army failed to take Kyiv earlier this year.", "Kyiv")
    assert "Kyiv" not in event.actors  # spaCy calls it a person here; it is the place taken


def test_labelled_set_is_big_varied_and_split():
    assert len(LABELLED) >= 150
    assert {r["type"] for r in LABELLED} == set(EVENT_TYPES)
    assert {r["split"] for r in LABELLED} == {"tune", "heldout"}
    assert all(r["place"] in r["text"] for r in LABELLED)


def test_labelled_set_accuracy_floor(extractor):
    """Given a row for the place, the type is right this often (measured 0.94 tune, 0.78 held out with the types
    of general news; floors below)."""
    articles = [Article(article_id=r["id"], text=r["text"], origin=r["id"], source="labelled", published=PUBLISHED)
                for r in LABELLED]
    found = {ex.article.article_id: ex for ex in extractor.extract(articles)}
    scores = {"tune": [], "heldout": []}
    for r in LABELLED:
        rows = [e for e in found[r["id"]].events if e.place_text == r["place"]]
        if rows:
            scores[r["split"]].append(rows[0].event_type == r["type"])
    assert sum(scores["tune"]) / len(scores["tune"]) >= 0.9
    assert sum(scores["heldout"]) / len(scores["heldout"]) >= 0.75

"""The place ranker's parts on hand-built candidates: each feature, the score, and the weights file it ships with."""
from __future__ import annotations

import json

import pytest

from pipeline.models import Place
from pipeline.place_candidates import FOUND, Candidate, CandidateFinder
from pipeline.place_ranker import (CONTEXT, FEATURES, RANKER_PATH, REGION_FULL_SIZE, PlaceRanker, own_features, rankers,
                                   size_score, with_context)
from pipeline.recognize import PlaceSpan
from pipeline.resolve import Resolver


def place(precision: str, population: int = 0, feature_code: str = "PPL", country: str = "US") -> Place:
    return Place("p1", "Somewhere", 1.0, 2.0, country, feature_code, precision, population, 1, "VA", "Virginia")


def test_a_country_by_its_main_name_is_its_kind_and_nothing_else():
    f = own_features(Candidate(place("country", 40_000_000, "PCLI"), True))
    assert f == {"kind_country": 1.0, "main_name": 1.0, "capital": 0.0, "alt_small_town": 0.0, "alt_region": 0.0,
                 "alt_country": 0.0, "uncovered": 0.0}


def test_a_settlement_weighs_its_size_and_a_capital_says_so():
    small, big = own_features(Candidate(place("settlement", 2_000), True)), own_features(
        Candidate(place("settlement", 3_000_000, "PPLC"), True))
    assert "kind_settlement" not in small and small["size"] == pytest.approx(size_score(2_000))
    assert big["size"] > small["size"] and big["capital"] == 1.0 and small["capital"] == 0.0


def test_a_small_region_weighs_less_than_regions_do_and_a_big_one_does_not():
    tiny = own_features(Candidate(place("admin1", 5_000), True))
    large = own_features(Candidate(place("admin1", 5_000_000), True))
    assert tiny["kind_admin1"] == large["kind_admin1"] == 1.0
    assert tiny["region_smaller"] == pytest.approx(size_score(5_000) - REGION_FULL_SIZE) and tiny["region_smaller"] < 0
    assert large["region_smaller"] == 0.0


def test_alternate_names_are_told_apart_by_kind():
    town = own_features(Candidate(place("settlement", 800), False))
    region = own_features(Candidate(place("admin2"), False))
    country = own_features(Candidate(place("country"), False))
    assert (town["alt_small_town"], town["alt_region"], town["alt_country"]) == (1.0, 0.0, 0.0)
    assert (region["alt_small_town"], region["alt_region"], region["alt_country"]) == (0.0, 1.0, 0.0)
    assert (country["alt_small_town"], country["alt_region"], country["alt_country"]) == (0.0, 0.0, 1.0)
    assert own_features(Candidate(place("settlement", 50_000), False))["alt_small_town"] == 0.0


def test_how_a_reading_was_found_and_how_much_of_the_span_it_covers():
    inner = own_features(Candidate(place("admin1", 9_000_000), True, "inner", 0.5))
    assert inner["found_inner"] == 1.0 and inner["uncovered"] == 0.5
    for how in FOUND[1:]:
        assert own_features(Candidate(place("settlement", 10), True, how))[f"found_{how}"] == 1.0
    assert not any(k.startswith("found_") for k in own_features(Candidate(place("settlement", 10), True)))


def test_the_score_is_the_weighted_sum_and_parts_add_up():
    ranker = PlaceRanker({"kind_country": 2.0, "qualifier": 3.0, "country": 1.5}, -1.0, 0.0)
    features = {"kind_country": 1.0, "qualifier": 1.0, "country": 0.5, "unknown": 9.0}
    assert ranker.score(features) == pytest.approx(-1.0 + 2.0 + 3.0 + 0.75)  # a feature without weight adds 0
    assert ranker.part(features, ("qualifier", "country")) == pytest.approx(3.75)


def test_the_shipped_weights_cover_every_feature_the_resolver_computes():
    data = json.loads(RANKER_PATH.read_text())
    ranker = PlaceRanker.load()
    assert set(ranker.weights) == set(FEATURES) and set(CONTEXT) | {"qualifier"} <= set(FEATURES)
    assert "threshold" in data
    for precision in ("country", "admin1", "admin2", "other", "settlement"):
        for is_main in (True, False):
            for how in FOUND:
                features = own_features(Candidate(place(precision, 20_000), is_main, how, 0.5))
                assert set(features) <= set(ranker.weights), set(features) - set(ranker.weights)


def test_the_resolver_ranks_by_the_weights_it_is_given(gazetteer):
    """The same text, two rankers: the weights alone decide between the Virginian city and the English county."""
    text = "Police in Suffolk said a man was arrested."
    span = PlaceSpan(text.index("Suffolk"), text.index("Suffolk") + 7, "Suffolk", "ner")
    readings = {c.place.precision for c in CandidateFinder(gazetteer).of(span)}
    assert {"settlement", "admin2"} <= readings
    base = dict(PlaceRanker.load().weights)
    towns = Resolver(gazetteer, PlaceRanker({**base, "kind_admin2": -10.0}, 0.0, -100.0)).resolve(text, [span])
    counties = Resolver(gazetteer, PlaceRanker({**base, "kind_admin2": 10.0}, 0.0, -100.0)).resolve(text, [span])
    assert towns[0].place.precision == "settlement" and counties[0].place.precision == "admin2"


def test_context_joins_the_own_features_with_the_products_that_let_a_weight_differ_by_kind():
    town = with_context(own_features(Candidate(place("settlement", 500_000), False)), True, 0.5, 1.2, 0.3)
    assert (town["qualifier"], town["country"], town["region"], town["home"]) == (1.0, 0.5, 1.2, 0.3)
    assert town["size_alt"] == pytest.approx(size_score(500_000)) and town["country_local"] == 0.5
    assert town["region_inside"] == 0.0
    region = with_context(own_features(Candidate(place("admin1", 9_000_000), True)), False, 0.5, 1.2, 0.0)
    assert (region["size_alt"], region["country_local"], region["region_inside"]) == (0.0, 0.0, 1.2)
    country = with_context(own_features(Candidate(place("country"), True)), False, 0.5, 0.0, 0.0)
    assert country["country_local"] == 0.0  # an article names other countries beside its own


def test_a_folds_file_gives_each_document_the_model_that_held_it_out(tmp_path, gazetteer):
    path = tmp_path / "folds.json"
    path.write_text(json.dumps({"fold_of": {"a": 0, "b": 1}, "models": [
        {"weights": {"kind_admin2": 10.0}, "threshold": -5.0}, {"weights": {"kind_admin2": -10.0}, "threshold": -5.0}]}))
    default, by_document = rankers(path)
    assert default is None and by_document["a"].weights["kind_admin2"] == 10.0
    assert by_document["b"].weights["kind_admin2"] == -10.0
    weights = tmp_path / "weights.json"
    weights.write_text(json.dumps({"weights": {"qualifier": 2.0}, "threshold": 0.5}))
    assert rankers(weights)[0] == PlaceRanker({"qualifier": 2.0}, 0.0, 0.5) and rankers(weights)[1] is None
    resolver = Resolver(gazetteer, by_document["a"])
    with resolver.using(by_document["b"]):
        assert resolver.ranker is by_document["b"]
    assert resolver.ranker is by_document["a"]

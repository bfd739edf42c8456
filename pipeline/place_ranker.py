"""One score per reading of a place name: a weighted sum of its features, the weights fitted, not tuned by hand.

resolve.py finds the candidate readings of each name and describes each by numbers (`features`): what the entry is
on its own (its kind, its size, whether the text used its main name, a capital), what the text next to it says
(a qualifier it fits: "Paris, Texas"), what the rest of the article says (its country's share of the other names,
the other names that lie near it) and where the source is at home. The ranker weighs them: the best reading is
the one with the highest score, and a reading under `threshold` is no match. bench/train_place_ranker.py fits the
weights (a logistic regression over the public sets' readings, scored out of fold by document) and writes
data/place_ranker.json.
"""
from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .place_candidates import FOUND, SMALL_TOWN, Candidate

RANKER_PATH = Path(__file__).parent / "data" / "place_ranker.json"
Features = dict[str, float]

# A settlement's size on a log scale: about 0.5 for a hamlet, 2.4 for a city of a million.
_SIZE_SCALE, _SIZE_DIGITS = 2.6, 6.5
# An admin-1 region with fewer people than a town of this size score (about 31,000) weighs less than regions do, as a
# town of its people would: a district of the Seychelles is not what "St. Louis" means.
REGION_FULL_SIZE = 1.8
# What the rest of the article and the source say of a reading; the other features are the reading's own weight,
# which decides which readings are plausible enough to be evidence for the other names.
CONTEXT = ("country", "region", "home")
# The features each context feature takes part in (its products with the reading's own features included).
CONTEXT_PARTS = {"country": ("country", "country_local"), "region": ("region", "region_inside"), "home": ("home",)}
KINDS = ("country", "admin1", "admin2", "other")
# Every feature a reading can have (own_features', then the text's and the context's).
FEATURES = (*(f"kind_{k}" for k in KINDS), "size", "region_smaller", "main_name", "capital", "alt_small_town",
            "alt_region", "alt_country", *(f"found_{f}" for f in FOUND[1:]), "uncovered", "qualifier", *CONTEXT,
            "size_alt", "country_local", "region_inside")


def size_score(population: int) -> float:
    return _SIZE_SCALE * math.log10(max(population, 10) + 10) / _SIZE_DIGITS


def own_features(candidate: Candidate) -> Features:
    """What a reading is on its own: its kind (or a settlement's size), whether the text used its main name, a
    capital, how it was found and how much of the span its name covers."""
    place, is_main = candidate.place, candidate.is_main
    size = size_score(place.population)
    features: Features = {f"kind_{place.precision}": 1.0} if place.precision in KINDS else {"size": size}
    if place.precision == "admin1":
        features["region_smaller"] = min(0.0, size - REGION_FULL_SIZE)
    features["main_name"] = float(is_main)
    features["capital"] = float(place.feature_code == "PPLC")
    # Alternate-name lists are full of other places' names: a small town's, a region's, a country's.
    features["alt_small_town"] = float(not is_main and place.precision == "settlement" and place.population < SMALL_TOWN)
    features["alt_region"] = float(not is_main and place.precision in ("admin1", "admin2", "other"))
    features["alt_country"] = float(not is_main and place.precision == "country")
    if candidate.found != "name":
        features[f"found_{candidate.found}"] = 1.0
    features["uncovered"] = 1.0 - candidate.covers
    return features


def with_context(features: Features, qualifier: bool, country: float, region: float, home: float) -> Features:
    """A reading's own features with what the text and the rest of the article say, and the products that let a
    weight differ by kind: a big city's alternate name, another place of the article's country for a town or
    county (not for a country, which an article names beside its own), places lying inside a region."""
    out = {**features, "qualifier": float(qualifier), "country": country, "region": region, "home": home}
    out["size_alt"] = features.get("size", 0.0) * (1.0 - features["main_name"])
    out["country_local"] = country * float("size" in features or "kind_admin2" in features)
    out["region_inside"] = region * features.get("kind_admin1", 0.0)
    return out


@dataclass(frozen=True)
class PlaceRanker:
    weights: Mapping[str, float]
    bias: float
    threshold: float  # a reading scoring under this is no match

    @classmethod
    def load(cls, path: Path = RANKER_PATH) -> PlaceRanker:
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["weights"], data.get("bias", 0.0), data["threshold"])

    def score(self, features: Mapping[str, float]) -> float:
        return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def chance(self, score: float, scores: list[float]) -> float:
        """The chance that the reading scoring `score` is right, among readings scoring `scores` and "no match"
        (which scores the threshold): the softmax the weights were fitted for."""
        top = max(max(scores), self.threshold)
        total = math.exp(self.threshold - top) + sum(math.exp(s - top) for s in scores)
        return math.exp(score - top) / total

    def part(self, features: Mapping[str, float], names: tuple[str, ...]) -> float:
        """What the features `names` add to the score."""
        return sum(self.weights.get(k, 0.0) * features.get(k, 0.0) for k in names)


def rankers(path: Path) -> tuple[PlaceRanker | None, dict[str, PlaceRanker] | None]:
    """A weights file's ranker, or a folds file's rankers by document id (bench/train_place_ranker.py)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if "models" not in data:
        return PlaceRanker.load(path), None
    models = [PlaceRanker(m["weights"], m.get("bias", 0.0), m["threshold"]) for m in data["models"]]
    return None, {doc: models[k] for doc, k in data["fold_of"].items()}

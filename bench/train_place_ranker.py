"""Fit the place ranker (pipeline/place_ranker.py) on LGL and GeoWebNews (../shared/eval/geo), out of fold.

Reads every document as the pipeline does (spaCy, the recogniser, the resolver's candidates and features, each
source's home learnt in file order), and keeps one row per candidate reading of every name that a gold toponym
overlaps: its features, and whether it lies within 161 km of the gold point. A logistic regression (scikit-learn,
L2) weighs the features; documents are split into 5 folds (GroupKFold by document), and each fold's model is fitted
on the other four. The features of a reading depend on the other names' best readings (the country they vote
for, the places near it), which depend on the weights: the rows are read again with the fitted weights
(`--rounds`), so the model is fitted on the features it will meet.

Writes pipeline/data/place_ranker.json (fitted on every document) and bench/results/place_ranker_folds.json (each
fold's weights and which documents it holds out), which `bench/eval_geo.py --out-of-fold` scores: a document is
only ever resolved by a model that never saw it.
Usage: python bench/train_place_ranker.py [--data ../shared/eval/geo] [--rounds 2] [--limit N]
"""
from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_geo import FILES, ROOT, km, match  # noqa: E402

sys.path.insert(0, str(ROOT))
from pipeline import ner  # noqa: E402
from pipeline.gazetteer import Gazetteer, normalize_name  # noqa: E402
from pipeline.homes import SourceHomes  # noqa: E402
from pipeline.place_ranker import RANKER_PATH, PlaceRanker  # noqa: E402
from pipeline.recognize import find_place_spans  # noqa: E402
from pipeline.resolve import Resolver  # noqa: E402

FOLDS_PATH = ROOT / "bench" / "results" / "place_ranker_folds.json"
FOLDS = 5
C = 1.0


def documents(data: Path, limit: int | None) -> list[dict]:
    docs = []
    for file in FILES.values():
        docs += [json.loads(line) for line in (data / file).open(encoding="utf-8")][:limit]
    return docs


def parsed(docs: list[dict]) -> list[tuple[dict, list]]:
    """Each document with its place spans (the parse does not depend on the ranker: read once)."""
    from pipeline.config import GAZETTEER_DB

    nlp, gazetteer = ner.load(), Gazetteer(GAZETTEER_DB)
    out = []
    for doc, record in zip(nlp.pipe(ner.prepare(d["text"]) for d in docs), docs):
        out.append((record, find_place_spans(doc, gazetteer)))
    return out


def rows(spanned: list[tuple[dict, list]], ranker: PlaceRanker) -> list[tuple[str, str, dict, bool]]:
    """(document id, name, features, within 161 km of gold) for every candidate of every name gold overlaps."""
    from pipeline.config import GAZETTEER_DB

    resolver, homes = Resolver(Gazetteer(GAZETTEER_DB), ranker), SourceHomes()
    out = []
    for record, spans in spanned:
        source = urlparse((record.get("meta") or {}).get("url") or "").netloc or record["id"]
        names = resolver.rank(record["text"], spans, homes.shares(source))
        homes.learn(source, resolver.mentions(spans, names))
        pred = [{"start": s.start, "end": s.end, "span": s} for s in spans]
        seen = set()
        for gold, p in match(record["toponyms"], pred):
            name = normalize_name(p["span"].text)
            if name in seen or not names[name].ranked:
                continue
            seen.add(name)
            for scored in names[name].ranked:
                near = km(gold["lat"], gold["lon"], scored.place.lat, scored.place.lon) <= 161
                out.append((record["id"], name, dict(scored.features), near))
    return out


def fit(features: list[dict], labels: list[bool]) -> PlaceRanker:
    vectors = DictVectorizer(sparse=False)
    x = vectors.fit_transform(features)
    model = LogisticRegression(C=C, max_iter=2000).fit(x, np.array(labels))
    weights = {name: round(float(w), 4) for name, w in zip(vectors.feature_names_, model.coef_[0])}
    return PlaceRanker(weights, round(float(model.intercept_[0]), 4), 0.0)  # no match: under even odds


def top1(table: list[tuple[str, str, dict, bool]], ranker: PlaceRanker) -> float:
    """Share of names whose best-scored reading is within 161 km (the features as read, no feedback)."""
    best: dict[tuple[str, str], tuple[float, bool]] = {}
    for doc, name, features, near in table:
        score = ranker.score(features)
        if (doc, name) not in best or score > best[(doc, name)][0]:
            best[(doc, name)] = (score, near)
    return sum(near for _, near in best.values()) / max(1, len(best))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "eval" / "geo"))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--limit", type=int)
    args = parser.parse_args()
    docs = documents(Path(args.data), args.limit)
    spanned = parsed(docs)
    ids = [d["id"] for d in docs]
    fold_of = {doc_id: k for k, (_, held) in enumerate(GroupKFold(FOLDS).split(ids, groups=ids)) for doc_id in
               (ids[i] for i in held)}
    ranker = PlaceRanker.load()
    fold_rankers = [ranker] * FOLDS
    for round_ in range(args.rounds):
        # Each fold's rows are read with that fold's own model, so held-out documents never inform their features.
        table = []
        for k in range(FOLDS):
            table += [r for r in rows([s for s in spanned if fold_of[s[0]["id"]] == k], fold_rankers[k])]
        before = top1(table, ranker)
        fold_rankers = []
        oof = defaultdict(list)
        for k in range(FOLDS):
            train = [r for r in table if fold_of[r[0]] != k]
            fold_rankers.append(fit([r[2] for r in train], [r[3] for r in train]))
            oof["rows"] += [r for r in table if fold_of[r[0]] == k]
            oof["scores"] += [fold_rankers[k].score(r[2]) for r in table if fold_of[r[0]] == k]
        ranker = fit([r[2] for r in table], [r[3] for r in table])
        held = sum(1 for _ in table)
        print(f"round {round_ + 1}: {held} readings of {len({(r[0], r[1]) for r in table})} names; top-1 within 161 km "
              f"with the weights they were read with {before:.3f}, out of fold {_oof_top1(oof):.3f}")
    RANKER_PATH.write_text(json.dumps({"note": "fitted by bench/train_place_ranker.py", "weights": ranker.weights,
                                       "bias": ranker.bias, "threshold": ranker.threshold}, indent=2) + "\n")
    FOLDS_PATH.parent.mkdir(parents=True, exist_ok=True)
    FOLDS_PATH.write_text(json.dumps({"fold_of": fold_of, "models": [
        {"weights": r.weights, "bias": r.bias, "threshold": r.threshold} for r in fold_rankers]}))
    print(f"written: {RANKER_PATH} and {FOLDS_PATH}")
    for name, weight in sorted(ranker.weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:<18} {weight:+.3f}")


def _oof_top1(oof: dict) -> float:
    best: dict[tuple[str, str], tuple[float, bool]] = {}
    for (doc, name, _, near), score in zip(oof["rows"], oof["scores"]):
        if (doc, name) not in best or score > best[(doc, name)][0]:
            best[(doc, name)] = (score, near)
    return sum(near for _, near in best.values()) / max(1, len(best))


if __name__ == "__main__":
    main()

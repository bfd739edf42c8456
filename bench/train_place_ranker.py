"""Fit the place ranker (pipeline/place_ranker.py) on LGL and GeoWebNews (../shared/eval/geo), out of fold.

Reads every document as the pipeline does (spaCy, the recogniser, the resolver's candidates and features, each
source's home learnt in file order), and keeps one row per candidate reading of every name that a gold toponym
overlaps: its features, and whether it lies within 161 km of the gold point. The weights are those of a conditional
logit (a softmax over each name's readings plus an explicit "no match" reading, L2-penalised, fitted with scipy's
L-BFGS): the chance of the name's right reading (any within 161 km; "no match" when none is) is what is made
likely, which is the choice the resolver makes. "No match" scores the weight `none`: a best reading scoring under
it is the ranker's threshold. Documents are split into 5 folds (GroupKFold by document, scikit-learn); each fold's
model is fitted on the other four, and the penalty is the one with the best out-of-fold top-1. The features of a
reading depend on the other names' best readings (the country they vote for, the places near it), which depend on
the weights: the rows are read again with each fold's fitted weights (`--rounds`), so a model is fitted on the
features it will meet, and a held-out document's features never come from a model that saw it.

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
from scipy.optimize import minimize
from sklearn.feature_extraction import DictVectorizer
from sklearn.model_selection import GroupKFold

sys.path.insert(0, str(Path(__file__).resolve().parent))
from eval_geo import FILES, ROOT, km, match  # noqa: E402

sys.path.insert(0, str(ROOT))
from pipeline import ner  # noqa: E402
from pipeline.gazetteer import Gazetteer, normalize_name  # noqa: E402
from pipeline.homes import SourceHomes  # noqa: E402
from pipeline.place_ranker import FEATURES, RANKER_PATH, PlaceRanker  # noqa: E402
from pipeline.recognize import find_place_spans  # noqa: E402
from pipeline.resolve import Resolver  # noqa: E402

FOLDS_PATH = ROOT / "bench" / "results" / "place_ranker_folds.json"
FOLDS = 5
PENALTIES = (0.001, 0.01, 0.1)
NONE = "none"  # the feature of the "no match" reading
# Where the fit starts: the hand-set weights of the rules it replaces (their features are read with these first).
START = PlaceRanker({
    "kind_country": 3.6, "kind_admin1": 2.2, "kind_other": 2.2, "kind_admin2": 1.2, "size": 1.0, "region_smaller": 1.0,
    "main_name": 0.3, "capital": 0.3, "alt_small_town": -0.5, "qualifier": 4.0, "country": 1.0, "region": 1.0,
    "home": 2.0}, 0.0, 0.9)


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


def fit(table: list[tuple[str, str, dict, bool]], penalty: float) -> PlaceRanker:
    """The conditional logit's weights over the names in `table`; "no match" is a reading of each name."""
    groups: dict[tuple[str, str], list[tuple[dict, bool]]] = defaultdict(list)
    for doc, name, features, near in table:
        groups[(doc, name)].append((features, near))
    features, correct, starts = [], [], []
    for readings in groups.values():
        starts.append(len(features))
        features += [f for f, _ in readings] + [{NONE: 1.0}]
        correct += [near for _, near in readings] + [not any(near for _, near in readings)]
    vectors = DictVectorizer(sparse=False)
    x, right, starts = vectors.fit_transform(features), np.array(correct), np.array(starts)
    group = np.repeat(np.arange(len(starts)), np.diff(np.append(starts, len(features))))

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        s = x @ w
        top = np.maximum.reduceat(s, starts)
        e = np.exp(s - top[group])
        p = e / np.add.reduceat(e, starts)[group]
        good = np.add.reduceat(np.where(right, p, 0.0), starts)
        q = np.where(right, p, 0.0) / good[group]
        value = -np.log(good).sum() + penalty * w @ w
        return value, x.T @ (p - q) + 2 * penalty * w

    w = minimize(loss, np.zeros(x.shape[1]), jac=True, method="L-BFGS-B").x
    fitted = {name: round(float(v), 4) for name, v in zip(vectors.feature_names_, w)}
    threshold = fitted.pop(NONE)
    weights = {name: fitted.get(name, 0.0) for name in FEATURES}  # one never seen in training weighs nothing
    return PlaceRanker(weights, 0.0, threshold)


def top1(table: list[tuple[str, str, dict, bool]], rankers: dict[str, PlaceRanker]) -> float:
    """Share of names whose best-scored reading is within 161 km (each document scored by `rankers[doc]`; the
    features as read, without the feedback of the new scores on the context)."""
    best: dict[tuple[str, str], tuple[float, bool]] = {}
    for doc, name, features, near in table:
        score = rankers[doc].score(features)
        if (doc, name) not in best or score > best[(doc, name)][0]:
            best[(doc, name)] = (score, near)
    return sum(near for _, near in best.values()) / max(1, len(best))


def reachable(table: list[tuple[str, str, dict, bool]]) -> str:
    """Per set (the documents' id prefix), the share of names with at least one candidate within 161 km of gold: the
    top-1 a perfect ranker would reach over these candidates."""
    names: dict[tuple[str, str], bool] = {}
    for doc, name, _, near in table:
        names[(doc, name)] = names.get((doc, name), False) or near
    sets: dict[str, list[bool]] = defaultdict(list)
    for (doc, _), near in names.items():
        sets[doc.split("-")[0]].append(near)
    return ", ".join(f"{key} {sum(v) / len(v):.3f}" for key, v in sorted(sets.items()))


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
    fold_rankers = [START] * FOLDS
    for round_ in range(args.rounds):
        # Each fold's rows are read with that fold's own model, so held-out documents never inform their features.
        table = []
        for k in range(FOLDS):
            table += rows([s for s in spanned if fold_of[s[0]["id"]] == k], fold_rankers[k])
        read_with = top1(table, {doc: fold_rankers[k] for doc, k in fold_of.items()})
        tried = {}
        for penalty in PENALTIES:
            models = [fit([r for r in table if fold_of[r[0]] != k], penalty) for k in range(FOLDS)]
            tried[penalty] = (top1(table, {doc: models[k] for doc, k in fold_of.items()}), models)
        penalty = max(tried, key=lambda c: tried[c][0])
        oof, fold_rankers = tried[penalty]
        ranker = fit(table, penalty)
        print(f"round {round_ + 1}: {len(table)} readings of {len({(r[0], r[1]) for r in table})} names; top-1 within "
              f"161 km with the weights they were read with {read_with:.3f}, out of fold {oof:.3f} (penalty {penalty}); "
              f"what any ranker could reach, names with a reading within 161 km: {reachable(table)}")
    RANKER_PATH.write_text(json.dumps({"note": "fitted by bench/train_place_ranker.py", "weights": ranker.weights,
                                       "bias": ranker.bias, "threshold": ranker.threshold}, indent=2) + "\n")
    FOLDS_PATH.parent.mkdir(parents=True, exist_ok=True)
    FOLDS_PATH.write_text(json.dumps({"fold_of": fold_of, "models": [
        {"weights": r.weights, "bias": r.bias, "threshold": r.threshold} for r in fold_rankers]}))
    print(f"written: {RANKER_PATH} and {FOLDS_PATH}")
    for name, weight in sorted(ranker.weights.items(), key=lambda kv: -abs(kv[1])):
        print(f"  {name:<18} {weight:+.3f}")
    print(f"  no match under    {ranker.threshold:+.3f}")


if __name__ == "__main__":
    main()
